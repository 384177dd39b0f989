using System.Net;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Protocol;

/// <summary>
/// Long-polling behaviour beyond the conformance suites, on a live host: binary Socket.IO packets travel as
/// base64 <c>b</c> records, queued packets leave joined in one GET, an abandoned upgrade leaves the session on
/// polling, and CORS preflights are answered. https://github.com/socketio/engine.io-protocol#http-long-polling-1
/// </summary>
public sealed class PollingTransportTests : ConformanceHostFixture
{
    [Test]
    public async Task BinaryEventOverPollingIsEchoedAsBase64Records()
    {
        var (sid, _) = await ConnectSocketIOPollingAsync();

        var push = await SocketIOPolling.PushAsync(sid, "451-[\"message\",{\"_placeholder\":true,\"num\":0}]\u001ebAQID");
        Assert.That(push, Is.EqualTo((HttpStatusCode.OK, "ok")));

        var records = await PollRecordsAsync(sid, SocketIOPolling, count: 2);
        Assert.That(records, Is.EqualTo(new[] { "451-[\"message-back\",{\"_placeholder\":true,\"num\":0}]", "bAQID" }));
    }

    [Test]
    public async Task PacketsQueuedBetweenPollsLeaveJoinedInOneResponse()
    {
        string sid = await EnginePolling.OpenAsync();

        await EnginePolling.PushAsync(sid, "4one");
        await EnginePolling.PushAsync(sid, "4two\u001ebBQY=");
        var (status, body) = await EnginePolling.PollAsync(sid);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body, Is.EqualTo("4one\u001e4two\u001ebBQY="));
    }

    [Test]
    public async Task AbandonedUpgradeLeavesSessionOnPollingAndAllowsAnotherAttempt()
    {
        string sid = await EnginePolling.OpenAsync();
        var probe = await EngineWebSocketClient.ConnectAsync(UpgradeUri(EngineIOPath, sid));
        await probe.SendAsync("2probe");
        Assert.That(await probe.ReceiveTextAsync(), Is.EqualTo("3probe"));
        await probe.DisposeAsync(); // the client gives up before "5"

        await EnginePolling.PushAsync(sid, "3\u001e4still-polling");
        var records = await PollRecordsAsync(sid, EnginePolling, count: 1, ignore: ["6", "2"]);
        Assert.That(records, Is.EqualTo(new[] { "4still-polling" }));

        await using var socket = await EngineWebSocketClient.ConnectAsync(UpgradeUri(EngineIOPath, sid));
        await socket.SendAsync("2probe");
        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo("3probe"));
        await socket.SendAsync("5");
        socket.AutoPong = true;
        await socket.SendAsync("4upgraded");
        Assert.That((await socket.ReceiveSkippingPingsAsync(1))[0].Text, Is.EqualTo("4upgraded"));
    }

    [Test]
    public async Task AnswersCorsPreflightForAnyOrigin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, EnginePolling.Endpoint("EIO=4&transport=polling"));
        request.Headers.Add("Origin", "http://elsewhere.test");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");

        using var response = await Http.SendAsync(request).WithTimeout();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin"), Is.EqualTo(new[] { "*" }));
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Headers"), Is.EqualTo(new[] { "content-type" }));
    }

    /// <summary>GETs until <paramref name="count"/> records other than <paramref name="ignore"/> have arrived.</summary>
    private static async Task<List<string>> PollRecordsAsync(string sid, EnginePollingClient polling, int count, string[]? ignore = null)
    {
        var records = new List<string>();
        for (int attempt = 0; attempt < 5 && records.Count < count; attempt++)
        {
            var (status, body) = await polling.PollAsync(sid);
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
            records.AddRange(body.Split('\u001e').Where(r => ignore is null || !ignore.Contains(r)));
        }

        return records;
    }
}
