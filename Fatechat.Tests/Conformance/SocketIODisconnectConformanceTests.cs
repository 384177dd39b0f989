using Fatechat.Tests.Support;

namespace Fatechat.Tests.Conformance;

/// <summary>
/// The "disconnect" cases of the Socket.IO v5 conformance suite: DISCONNECT leaves a namespace but not the
/// Engine.IO connection, which keeps being pinged and keeps serving the other namespaces.
/// https://github.com/socketio/socket.io-protocol#disconnection-from-a-namespace
/// </summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class SocketIODisconnectConformanceTests(EntryPath entryPath) : ConformanceHostFixture(entryPath)
{
    [Test]
    public async Task DisconnectFromMainNamespaceKeepsEngineConnectionOpen()
    {
        var (client, socketId) = await ConnectSocketIOAsync(autoPong: false);
        await using var _ = client;

        await client.SendAsync("41");

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("2"), "the next packet is the heartbeat, not a close");
        Assert.That(await DisconnectReasonAsync(socketId), Is.EqualTo("client namespace disconnect"));
    }

    [Test]
    public async Task DisconnectFromCustomNamespaceKeepsMainNamespaceWorking()
    {
        var (client, _) = await ConnectSocketIOAsync();
        await using var _ = client;

        await client.SendAsync("40/custom");
        Assert.That(await client.ReceiveTextAsync(), Does.StartWith("40/custom,{\"sid\":"));
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("42/custom,[\"auth\",{}]"));

        await client.SendAsync("41/custom");
        await client.SendAsync("42[\"message\",\"message to main namespace\"]");

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("42[\"message-back\",\"message to main namespace\"]"));
    }
}
