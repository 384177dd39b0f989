using System.Diagnostics;
using System.Net;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Protocol;

/// <summary>
/// The server-driven heartbeat on a live host (pingInterval 300 ms, pingTimeout 200 ms): a client that stops
/// answering pings is closed with "ping timeout"; one that answers stays up across many intervals.
/// https://github.com/socketio/engine.io-protocol#heartbeat
/// </summary>
public sealed class HeartbeatTimeoutTests : ConformanceHostFixture
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(PingIntervalMs + PingTimeoutMs);

    [Test]
    public async Task WebSocketClientThatStopsAnsweringPingsIsClosedWithPingTimeout()
    {
        var (client, socketId) = await ConnectSocketIOAsync(autoPong: true);
        await using var _ = client;
        await AssertEchoAnsweredAsync(client, "alive");

        client.AutoPong = false;
        var silent = Stopwatch.StartNew();
        var before = await client.WaitForCloseAsync(Heartbeat * 4);

        Assert.That(before.Select(m => m.Text), Is.EqualTo(new[] { "2" }), "one unanswered ping, then the close");
        Assert.That(await DisconnectReasonAsync(socketId), Is.EqualTo("ping timeout"));
        Assert.That(silent.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(PingTimeoutMs)));
    }

    [Test]
    public async Task ClientThatAnswersPingsOutlivesManyHeartbeats()
    {
        var (client, socketId) = await ConnectSocketIOAsync(autoPong: true);
        await using var _ = client;

        // Time passing is the condition under test: five heartbeat cycles.
        await Task.Delay(Heartbeat * 5);

        await AssertEchoAnsweredAsync(client, "still-alive");
        Assert.That(DisconnectReasonAsync(socketId).IsCompleted, Is.False);
    }

    [Test]
    public async Task PollingSessionWithoutPongReceivesCloseOnItsPendingGet()
    {
        string sid = await EnginePolling.OpenAsync();
        Assert.That(await EnginePolling.PollAsync(sid), Is.EqualTo((HttpStatusCode.OK, "2")));

        // No pong: the pending GET is answered with the close packet when the pong is overdue.
        var silent = Stopwatch.StartNew();
        var (status, body) = await EnginePolling.PollAsync(sid);

        Assert.That((status, body), Is.EqualTo((HttpStatusCode.OK, "1")));
        Assert.That(silent.Elapsed, Is.LessThan(Heartbeat * 4));
        Assert.That((await EnginePolling.PollAsync(sid)).Status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task PollingSessionIsGoneExactlyWhenPingTimeoutHasPassed()
    {
        // Node arms one timer for pingInterval, then one for pingTimeout: the session ends pingInterval +
        // pingTimeout after the handshake, whatever the server's timer granularity.
        for (int round = 0; round < 5; round++)
        {
            string sid = await EnginePolling.OpenAsync();
            await Task.Delay(Heartbeat + TimeSpan.FromMilliseconds(5));

            var (status, body) = await EnginePolling.PollAsync(sid);

            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), $"round {round}: the session still answered '{body}'");
        }
    }
}
