using System.Net;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Conformance;

/// <summary>
/// The "upgrade" cases of the Engine.IO v4 conformance suite against the bare Engine.IO echo: probe
/// <c>2probe</c>/<c>3probe</c>, a pending GET released with noop <c>6</c>, <c>5</c> completes the upgrade, and
/// the old transport is refused afterwards; a second WebSocket for the same sid is switched and closed at once, as
/// Node's <c>onWebSocket</c> does (the suite's <c>ws</c> client fails on an HTTP refusal).
/// https://github.com/socketio/engine.io-protocol#upgrade
/// </summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class EngineIOUpgradeConformanceTests(EntryPath entryPath) : ConformanceHostFixture(entryPath)
{
    [Test]
    public async Task UpgradesFromPollingToWebSocket()
    {
        string sid = await EnginePolling.OpenAsync();
        await using var socket = await EngineWebSocketClient.ConnectAsync(UpgradeUri(EngineIOPath, sid), autoPong: true);

        await socket.SendAsync("2probe");
        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo("3probe"));

        var (pollStatus, pollBody) = await EnginePolling.PollAsync(sid);
        Assert.That(pollStatus, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(pollBody, Is.EqualTo("6"), "a noop ends the polling request cleanly");

        await socket.SendAsync("5");
        await socket.SendAsync("4hello");
        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo("4hello"));
    }

    [Test]
    public async Task RefusesPollingRequestsWithSameSidAfterUpgrade()
    {
        string sid = await EnginePolling.OpenAsync();
        await using var socket = await UpgradeAsync(sid);

        var (status, _) = await EnginePolling.PollAsync(sid);
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));

        await socket.SendAsync("4hello");
        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo("4hello"));
    }

    [Test]
    public async Task AcceptsThenClosesWebSocketWithSameSidAfterUpgrade()
    {
        string sid = await EnginePolling.OpenAsync();
        await using var socket = await UpgradeAsync(sid);

        Assert.That(await EngineWebSocketClient.IsAcceptedThenClosedAsync(UpgradeUri(EngineIOPath, sid)), Is.True,
            "switched protocols, then closed without a message");

        await socket.SendAsync("4hello");
        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo("4hello"));
    }

    /// <summary>
    /// The suite's own order: <c>2probe</c> and <c>5</c> without waiting, then the second WebSocket at once, while
    /// the session is still upgrading or has just upgraded. It opens and is closed; the first one carries on.
    /// </summary>
    [Test]
    public async Task AcceptsThenClosesWebSocketWithSameSidRightAfterProbe()
    {
        string sid = await EnginePolling.OpenAsync();
        await using var socket = await EngineWebSocketClient.ConnectAsync(UpgradeUri(EngineIOPath, sid), autoPong: true);
        await socket.SendAsync("2probe");
        await socket.SendAsync("5");

        Assert.That(await EngineWebSocketClient.IsAcceptedThenClosedAsync(UpgradeUri(EngineIOPath, sid)), Is.True,
            "switched protocols, then closed without a message");

        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo("3probe"));
        await socket.SendAsync("4hello");
        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo("4hello"));
    }

    /// <summary>
    /// Probes and upgrades, then waits for an echo over the WebSocket: the suite sends its next request right
    /// after <c>5</c>, which races the server; the echo proves the upgrade has completed.
    /// </summary>
    private async Task<EngineWebSocketClient> UpgradeAsync(string sid)
    {
        var socket = await EngineWebSocketClient.ConnectAsync(UpgradeUri(EngineIOPath, sid), autoPong: true);
        await socket.SendAsync("2probe");
        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo("3probe"));
        await socket.SendAsync("5");
        await socket.SendAsync("4upgraded");
        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo("4upgraded"));
        return socket;
    }
}
