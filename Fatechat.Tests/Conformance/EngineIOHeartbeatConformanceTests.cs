using System.Net;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Conformance;

/// <summary>
/// The "heartbeat" cases of the Engine.IO v4 conformance suite, on both endpoints: in v4 the server pings
/// (<c>2</c>) every pingInterval and closes a session whose pong (<c>3</c>) is later than pingTimeout.
/// https://github.com/socketio/engine.io-protocol#heartbeat
/// </summary>
[TestFixture(EngineIOPath, EntryPath.Connection)]
[TestFixture(EngineIOPath, EntryPath.Http)]
[TestFixture(SocketIOPath, EntryPath.Connection)]
[TestFixture(SocketIOPath, EntryPath.Http)]
public sealed class EngineIOHeartbeatConformanceTests(string path, EntryPath entryPath) : ConformanceHostFixture(entryPath)
{
    private EnginePollingClient Polling => new(Http, BaseUri, path);

    [Test]
    public async Task PollingSessionIsPingedAndStaysOpenWhileItAnswersPong()
    {
        string sid = await Polling.OpenAsync();

        for (int i = 0; i < 3; i++)
        {
            var (pollStatus, pollBody) = await Polling.PollAsync(sid);
            Assert.That(pollStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(pollBody, Is.EqualTo("2"));

            var (pushStatus, _) = await Polling.PushAsync(sid, "3");
            Assert.That(pushStatus, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    public async Task PollingSessionClosesUponPingTimeout()
    {
        string sid = await Polling.OpenAsync();

        await Task.Delay(PingIntervalMs + PingTimeoutMs + 10);
        var (status, _) = await Polling.PollAsync(sid);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task WebSocketSessionIsPingedAndStaysOpenWhileItAnswersPong()
    {
        await using var client = await EngineWebSocketClient.ConnectAsync(WebSocketUri(path));
        await client.ReceiveTextAsync(); // open

        for (int i = 0; i < 3; i++)
        {
            Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("2"));
            await client.SendAsync("3");
        }
    }

    [Test]
    public async Task WebSocketSessionClosesUponPingTimeout()
    {
        await using var client = await EngineWebSocketClient.ConnectAsync(WebSocketUri(path));

        var before = await client.WaitForCloseAsync(TimeSpan.FromMilliseconds(PingIntervalMs + PingTimeoutMs + 2000));

        // The open packet, one unanswered ping, then the close.
        Assert.That(before, Has.Count.EqualTo(2), string.Join(", ", before));
        Assert.That(before[0].Text, Does.StartWith("0{"));
        Assert.That(before[1].Text, Is.EqualTo("2"));
    }
}
