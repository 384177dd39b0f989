using System.Net;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Protocol;

/// <summary>
/// An upgrade that races a pending long-polling GET: the GET is released with noop <c>6</c>, the upgrade
/// completes, and a message queued before <c>5</c> arrives exactly once, on one transport.
/// https://github.com/socketio/engine.io-protocol#upgrade
/// </summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class UpgradeRaceTests(EntryPath entryPath) : ConformanceHostFixture(entryPath)
{
    [Test]
    public async Task PendingGetIsReleasedWithNoopAndQueuedEchoArrivesOnceOverWebSocket()
    {
        string sid = await EnginePolling.OpenAsync();
        var pendingGet = EnginePolling.PollAsync(sid);
        await Task.Delay(50); // the GET must be waiting on the server when the probe arrives

        await using var socket = await EngineWebSocketClient.ConnectAsync(UpgradeUri(EngineIOPath, sid));
        await socket.SendAsync("2probe");
        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo("3probe"));
        Assert.That(await pendingGet.WithTimeout(), Is.EqualTo((HttpStatusCode.OK, "6")));

        // Still on polling until "5": the echo of this POST is queued for whichever transport drains next.
        Assert.That(await EnginePolling.PushAsync(sid, "4queued"), Is.EqualTo((HttpStatusCode.OK, "ok")));
        await socket.SendAsync("5");
        socket.AutoPong = true;
        await socket.SendAsync("4after");

        var received = await socket.ReceiveSkippingPingsAsync(2);
        Assert.That(received.Select(m => m.Text), Is.EqualTo(new[] { "4queued", "4after" }));
        Assert.That((await EnginePolling.PollAsync(sid)).Status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task SocketIOEventQueuedDuringProbeArrivesOnceAfterUpgrade()
    {
        string sid = await SocketIOPolling.OpenAsync();
        Assert.That(await SocketIOPolling.PushAsync(sid, "40"), Is.EqualTo((HttpStatusCode.OK, "ok")));
        var (_, connected) = await SocketIOPolling.PollAsync(sid);
        Assert.That(connected, Does.StartWith("40{"));
        var pendingGet = SocketIOPolling.PollAsync(sid);
        await Task.Delay(50);

        await using var socket = await EngineWebSocketClient.ConnectAsync(UpgradeUri(SocketIOPath, sid));
        await socket.SendAsync("2probe");
        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo("3probe"));
        var (getStatus, getBody) = await pendingGet.WithTimeout();
        Assert.That(getStatus, Is.EqualTo(HttpStatusCode.OK));
        // The auth event may have been waiting in the queue; if so it comes out here, before the noop is needed.
        Assert.That(getBody, Is.EqualTo("6").Or.EqualTo("42[\"auth\",{}]"));

        Assert.That(await SocketIOPolling.PushAsync(sid, "42[\"message\",\"queued\"]"), Is.EqualTo((HttpStatusCode.OK, "ok")));
        await socket.SendAsync("5");
        socket.AutoPong = true;
        await socket.SendAsync("42[\"message\",\"after\"]");

        var expected = new List<string>();
        bool authSeen = connected.Split('\u001e').Contains("42[\"auth\",{}]") || getBody != "6";
        if (!authSeen)
        {
            expected.Add("42[\"auth\",{}]");
        }

        expected.Add("42[\"message-back\",\"queued\"]");
        expected.Add("42[\"message-back\",\"after\"]");
        var received = await socket.ReceiveSkippingPingsAsync(expected.Count);
        Assert.That(received.Select(m => m.Text), Is.EqualTo(expected));
    }
}
