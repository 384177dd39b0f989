using System.Net;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Conformance;

/// <summary>
/// The "message" cases of the Engine.IO v4 conformance suite against the host's bare Engine.IO echo: polling
/// payloads joined by <c>\x1e</c> with binary as base64 <c>b</c>, WebSocket text and binary frames, and the
/// session ending on a malformed packet, a second concurrent GET or an aborted GET.
/// https://github.com/socketio/engine.io-protocol#http-long-polling-1
/// </summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class EngineIOMessageConformanceTests(EntryPath entryPath) : ConformanceHostFixture(entryPath)
{
    // Names are explicit: a control character in a test name defeats `dotnet test --filter`.
    [TestCase("4hello", TestName = "PollingPayloadOfOnePlainTextPacketIsEchoed")]
    [TestCase("4test1\u001e4test2\u001e4test3", TestName = "PollingPayloadOfSeveralPlainTextPacketsIsEchoed")]
    [TestCase("4hello\u001ebAQIDBA==", TestName = "PollingPayloadOfTextAndBinaryPacketsIsEchoed")]
    public async Task PollingPayloadIsEchoedAsSent(string payload)
    {
        string sid = await EnginePolling.OpenAsync();

        var (pushStatus, pushBody) = await EnginePolling.PushAsync(sid, payload);
        Assert.That(pushStatus, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(pushBody, Is.EqualTo("ok"));

        var (pollStatus, pollBody) = await EnginePolling.PollAsync(sid);
        Assert.That(pollStatus, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(pollBody, Is.EqualTo(payload));
    }

    [Test]
    public async Task PollingSessionClosesUponInvalidPacketFormat()
    {
        string sid = await EnginePolling.OpenAsync();

        var (pushStatus, _) = await EnginePolling.PushAsync(sid, "abc");
        var (pollStatus, _) = await EnginePolling.PollAsync(sid);

        Assert.That(pushStatus, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(pollStatus, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task PollingSessionClosesUponDuplicatePollRequests()
    {
        string sid = await EnginePolling.OpenAsync();

        var first = EnginePolling.PollAsync(sid);
        await Task.Delay(50); // the first GET must be pending when the second arrives
        var second = await EnginePolling.GetAsync(EnginePolling.Endpoint($"EIO=4&transport=polling&sid={sid}&t=burst"));
        var firstResult = await first.WithTimeout();

        Assert.That(firstResult.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(firstResult.Body, Is.EqualTo("1"));
        Assert.That(second.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        var (afterStatus, _) = await EnginePolling.PollAsync(sid);
        Assert.That(afterStatus, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task PollingSessionClosesUponCancelledPollRequest()
    {
        string sid = await EnginePolling.OpenAsync();

        using (var abort = new CancellationTokenSource())
        {
            var poll = EnginePolling.PollAsync(sid, abort.Token);
            await Task.Delay(20);
            abort.Cancel();
            Assert.CatchAsync<OperationCanceledException>(async () => await poll.WithTimeout());
        }

        // Whether or not the server has noticed the abort yet, the session is over: a GET is refused.
        var (status, _) = await EnginePolling.PollAsync(sid);
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task WebSocketTextPacketIsEchoed()
    {
        await using var client = await EngineWebSocketClient.ConnectAsync(WebSocketUri(EngineIOPath));
        await client.ReceiveTextAsync(); // open

        await client.SendAsync("4hello");

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("4hello"));
    }

    [Test]
    public async Task WebSocketBinaryPacketIsEchoed()
    {
        await using var client = await EngineWebSocketClient.ConnectAsync(WebSocketUri(EngineIOPath));
        await client.ReceiveTextAsync(); // open

        await client.SendAsync(new byte[] { 1, 2, 3, 4 });

        Assert.That((await client.ReceiveAsync()).Binary, Is.EqualTo(new byte[] { 1, 2, 3, 4 }));
    }

    [Test]
    public async Task WebSocketSessionClosesUponInvalidPacketFormat()
    {
        await using var client = await EngineWebSocketClient.ConnectAsync(WebSocketUri(EngineIOPath));
        await client.ReceiveTextAsync(); // open

        await client.SendAsync("abc");

        Assert.That(await client.WaitForCloseAsync(TimeSpan.FromMilliseconds(PingIntervalMs)), Is.Empty);
    }
}
