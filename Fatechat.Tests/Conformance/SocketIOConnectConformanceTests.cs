using System.Text.Json;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Conformance;

/// <summary>
/// The "connect" cases of the Socket.IO v5 conformance suite (socketio/socket.io-protocol test-suite), over a raw
/// WebSocket received as the suite receives it: CONNECT to <c>/</c> or <c>/custom</c>, with or without an auth payload, is answered by
/// <c>40[/nsp,]{"sid"}</c> and then by the host's <c>auth</c> event; an unknown namespace gets CONNECT_ERROR.
/// https://github.com/socketio/socket.io-protocol#connection-to-a-namespace
/// </summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class SocketIOConnectConformanceTests(EntryPath entryPath) : ConformanceHostFixture(entryPath)
{
    /// <summary>
    /// Read as the suite reads: it listens for the <c>auth</c> event only once the CONNECT reply has been handed
    /// over, so an event that shares the reply's TCP read is lost (<see cref="SuiteWebSocketClient"/>).
    /// </summary>
    [TestCase("40", "40", "42[\"auth\",{}]")]
    [TestCase("40{\"token\":\"123\"}", "40", "42[\"auth\",{\"token\":\"123\"}]")]
    [TestCase("40/custom,", "40/custom,", "42/custom,[\"auth\",{}]")]
    [TestCase("40/custom,{\"token\":\"abc\"}", "40/custom,", "42/custom,[\"auth\",{\"token\":\"abc\"}]")]
    public void ConnectsToNamespaceAndReceivesAuthPayloadBack(string connect, string expectedPrefix, string expectedAuth)
    {
        using var client = SuiteWebSocketClient.Connect(WebSocketUri(SocketIOPath));
        Assert.That(client.WaitForMessage(), Does.StartWith("0{"));

        client.Send(connect);

        string? reply = client.WaitForMessage();
        Assert.That(reply, Does.StartWith(expectedPrefix));
        using (var handshake = JsonDocument.Parse(reply![expectedPrefix.Length..]))
        {
            Assert.That(handshake.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "sid" }));
            Assert.That(handshake.RootElement.GetProperty("sid").ValueKind, Is.EqualTo(JsonValueKind.String));
        }

        Assert.That(client.WaitForMessage(), Is.EqualTo(expectedAuth), "the auth event came in a read of its own");
    }

    [Test]
    public async Task RefusesConnectionToUnknownNamespace()
    {
        await using var client = await OpenAsync();

        await client.SendAsync("40/random");

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("44/random,{\"message\":\"Invalid namespace\"}"));
    }

    [Test]
    public async Task ClosesConnectionUponInvalidHandshake()
    {
        await using var client = await OpenAsync();

        await client.SendAsync("4abc");

        Assert.That(await client.WaitForCloseAsync(TimeSpan.FromMilliseconds(PingIntervalMs)), Is.Empty);
    }

    [Test]
    public async Task ClosesConnectionWhenNoHandshakeIsReceived()
    {
        // Answer pings, so that it is the connect timeout (1000 ms), not the heartbeat, that ends the connection.
        await using var client = await EngineWebSocketClient.ConnectAsync(WebSocketUri(SocketIOPath), autoPong: true);
        var started = DateTime.UtcNow;

        var before = await client.WaitForCloseAsync(TimeSpan.FromSeconds(3));

        Assert.That(before, Has.Count.EqualTo(1), "only the open packet");
        Assert.That(DateTime.UtcNow - started, Is.GreaterThan(TimeSpan.FromMilliseconds(800)));
    }

    private async Task<EngineWebSocketClient> OpenAsync()
    {
        var client = await EngineWebSocketClient.ConnectAsync(WebSocketUri(SocketIOPath));
        Assert.That(await client.ReceiveTextAsync(), Does.StartWith("0{"));
        return client;
    }
}
