using System.Net;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Conformance;

/// <summary>
/// The "upgrade" cases of the Socket.IO v5 conformance suite (its Engine.IO part) on the Socket.IO endpoint.
/// A Socket.IO CONNECT answered over the new WebSocket proves that the upgrade completed.
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
    public async Task RefusesWebSocketWithSameSidAfterUpgrade()
    {
        string sid = await SocketIOPolling.OpenAsync();
        await using var socket = await UpgradeAndConnectAsync(sid);

        Assert.That(await EngineWebSocketClient.IsRefusedOrClosedAsync(UpgradeUri(SocketIOPath, sid)), Is.True);
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
