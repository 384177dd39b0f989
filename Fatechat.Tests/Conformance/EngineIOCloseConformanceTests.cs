using System.Net;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Conformance;

/// <summary>
/// The "close" cases of the Engine.IO v4 conformance suite, on both endpoints: a client's close packet
/// <c>1</c> ends the session; a pending GET is released with a noop <c>6</c>.
/// https://github.com/socketio/engine.io-protocol#packet
/// </summary>
[TestFixture(EngineIOPath, EntryPath.Connection)]
[TestFixture(EngineIOPath, EntryPath.Http)]
[TestFixture(SocketIOPath, EntryPath.Connection)]
[TestFixture(SocketIOPath, EntryPath.Http)]
public sealed class EngineIOCloseConformanceTests(string path, EntryPath entryPath) : ConformanceHostFixture(entryPath)
{
    private EnginePollingClient Polling => new(Http, BaseUri, path);

    [Test]
    public async Task PollingCloseFromClientReleasesPendingGetWithNoopAndEndsSession()
    {
        string sid = await Polling.OpenAsync();

        var poll = Polling.PollAsync(sid);
        await Task.Delay(50); // let the GET reach the server and wait there, as the suite's Promise.all does
        var (pushStatus, _) = await Polling.PushAsync(sid, "1");
        var (pollStatus, pollBody) = await poll.WithTimeout();

        Assert.That(pushStatus, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(pollStatus, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(pollBody, Is.EqualTo("6"));
        var (afterStatus, _) = await Polling.PollAsync(sid);
        Assert.That(afterStatus, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task WebSocketCloseFromClientEndsConnection()
    {
        await using var client = await EngineWebSocketClient.ConnectAsync(WebSocketUri(path));
        await client.ReceiveTextAsync(); // open

        await client.SendAsync("1");

        var before = await client.WaitForCloseAsync(TimeSpan.FromMilliseconds(PingIntervalMs));
        Assert.That(before, Is.Empty);
    }
}
