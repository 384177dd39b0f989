using System.Text.Json;
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
    /// <summary>
    /// The suite's order, read as it reads: connect (reply, then <c>auth</c>), then <c>41</c>; the next message must
    /// be the ping. Had <c>auth</c> shared the reply's read, the ping would stand in for it and, unanswered, the
    /// heartbeat would end the connection before a next message came.
    /// </summary>
    [Test]
    public async Task DisconnectFromMainNamespaceKeepsEngineConnectionOpen()
    {
        using var client = SuiteWebSocketClient.Connect(WebSocketUri(SocketIOPath));
        string socketId = ConnectToMainNamespace(client);

        client.Send("41");

        Assert.That(client.WaitForMessage(), Is.EqualTo("2"), "the next packet is the heartbeat, not a close");
        Assert.That(await DisconnectReasonAsync(socketId), Is.EqualTo("client namespace disconnect"));
    }

    /// <summary>The suite's order, read as it reads, without answering pings (the suite never does).</summary>
    [Test]
    public void DisconnectFromCustomNamespaceKeepsMainNamespaceWorking()
    {
        using var client = SuiteWebSocketClient.Connect(WebSocketUri(SocketIOPath));
        ConnectToMainNamespace(client);
        Assert.That(client.WaitForMessage(), Is.EqualTo("2"), "ping");

        client.Send("40/custom");
        Assert.That(client.WaitForMessage(), Does.StartWith("40/custom,{\"sid\":"));
        Assert.That(client.WaitForMessage(), Is.EqualTo("42/custom,[\"auth\",{}]"));

        client.Send("41/custom");
        client.Send("42[\"message\",\"message to main namespace\"]");

        Assert.That(client.WaitForMessage(), Is.EqualTo("42[\"message-back\",\"message to main namespace\"]"));
    }

    /// <summary>The suite's <c>initSocketIOConnection</c>: open packet, <c>40</c>, reply, <c>auth</c>; returns the socket id.</summary>
    private static string ConnectToMainNamespace(SuiteWebSocketClient client)
    {
        Assert.That(client.WaitForMessage(), Does.StartWith("0{"));
        client.Send("40");
        string? reply = client.WaitForMessage();
        Assert.That(reply, Does.StartWith("40{"));
        Assert.That(client.WaitForMessage(), Is.EqualTo("42[\"auth\",{}]"));
        using var payload = JsonDocument.Parse(reply![2..]);
        return payload.RootElement.GetProperty("sid").GetString()!;
    }
}
