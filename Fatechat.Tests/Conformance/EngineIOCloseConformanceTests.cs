using System.Net;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Conformance;

/// <summary>
/// The "close" cases of the Engine.IO v4 conformance suite, on both endpoints: a client's close packet
/// <c>1</c> ends the session; a pending GET, or one that the close overtook on the way, is answered with a noop
/// <c>6</c>.
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

    /// <summary>
    /// The suite's own order: the GET and the POST of <c>1</c> leave together, on two connections, and the server
    /// may see the close first. The GET still gets the noop, and the session is gone after it. Repeated, because
    /// the POST wins only now and then.
    /// </summary>
    [Test]
    public async Task PollingCloseSentAlongsideGetStillAnswersTheGetWithNoop()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            string sid = await Polling.OpenAsync();

            var poll = Polling.PollAsync(sid);
            var push = Polling.PushAsync(sid, "1");
            var (pollStatus, pollBody) = await poll.WithTimeout();
            var (pushStatus, _) = await push.WithTimeout();

            Assert.That(pushStatus, Is.EqualTo(HttpStatusCode.OK), $"attempt {attempt}");
            Assert.That((pollStatus, pollBody), Is.EqualTo((HttpStatusCode.OK, "6")), $"attempt {attempt}");
            var (afterStatus, _) = await Polling.PollAsync(sid);
            Assert.That(afterStatus, Is.EqualTo(HttpStatusCode.BadRequest), $"attempt {attempt}");
        }
    }

    /// <summary>The race above with the close certain to win: the GET that follows it still gets the noop, once.</summary>
    [Test]
    public async Task GetOvertakenByPollingCloseGetsNoopThenSessionIsGone()
    {
        string sid = await Polling.OpenAsync();

        Assert.That(await Polling.PushAsync(sid, "1"), Is.EqualTo((HttpStatusCode.OK, "ok")));

        Assert.That(await Polling.PollAsync(sid), Is.EqualTo((HttpStatusCode.OK, "6")));
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
