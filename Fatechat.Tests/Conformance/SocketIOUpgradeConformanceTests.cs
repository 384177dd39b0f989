using System.Net;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Conformance;

/// <summary>
/// The "upgrade" cases of the Socket.IO v5 conformance suite (its Engine.IO part) on the Socket.IO endpoint.
/// A Socket.IO CONNECT answered over the new WebSocket proves that the upgrade completed. A second WebSocket for the
/// same sid is switched and closed, not refused with an HTTP error: the suite's <c>ws</c> client fails on a 400.
/// </summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class SocketIOUpgradeConformanceTests(EntryPath entryPath) : ConformanceHostFixture(entryPath)
{
    [Test]
    public async Task UpgradesFromPollingToWebSocket()
    {
        string sid = await SocketIOPolling.OpenAsync();
        await using var socket = await EngineWebSocketClient.ConnectAsync(UpgradeUri(SocketIOPath, sid));

        await socket.SendAsync("2probe");
        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo("3probe"));
        await socket.SendAsync("5");

        await socket.SendAsync("40");
        Assert.That(await socket.ReceiveTextAsync(), Does.StartWith("40{\"sid\":"));
    }

    [Test]
    public async Task RefusesPollingRequestsWithSameSidAfterUpgrade()
    {
        string sid = await SocketIOPolling.OpenAsync();
        await using var socket = await UpgradeAndConnectAsync(sid);

        var (status, _) = await SocketIOPolling.PollAsync(sid);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task AcceptsThenClosesWebSocketWithSameSidAfterUpgrade()
    {
        string sid = await SocketIOPolling.OpenAsync();
        await using var socket = await UpgradeAndConnectAsync(sid);

        Assert.That(await EngineWebSocketClient.IsAcceptedThenClosedAsync(UpgradeUri(SocketIOPath, sid)), Is.True,
            "switched protocols, then closed without a message");
    }

    /// <summary>
    /// As the suite does it: <c>2probe</c> and <c>5</c> sent without waiting, then a second WebSocket at once, which
    /// finds the session still upgrading or just upgraded; either way it opens and is closed.
    /// </summary>
    [Test]
    public async Task AcceptsThenClosesWebSocketWithSameSidRightAfterProbe()
    {
        string sid = await SocketIOPolling.OpenAsync();
        await using var socket = await EngineWebSocketClient.ConnectAsync(UpgradeUri(SocketIOPath, sid), autoPong: true);
        await socket.SendAsync("2probe");
        await socket.SendAsync("5");

        Assert.That(await EngineWebSocketClient.IsAcceptedThenClosedAsync(UpgradeUri(SocketIOPath, sid)), Is.True,
            "switched protocols, then closed without a message");
    }

    private async Task<EngineWebSocketClient> UpgradeAndConnectAsync(string sid)
    {
        var socket = await EngineWebSocketClient.ConnectAsync(UpgradeUri(SocketIOPath, sid), autoPong: true);
        await socket.SendAsync("2probe");
        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo("3probe"));
        await socket.SendAsync("5");
        await socket.SendAsync("40");
        Assert.That(await socket.ReceiveTextAsync(), Does.StartWith("40{\"sid\":"));
        return socket;
    }
}
