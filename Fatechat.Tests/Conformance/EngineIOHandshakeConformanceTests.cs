using System.Net;
using System.Text.Json;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Conformance;

/// <summary>
/// The "handshake" cases of the Engine.IO v4 conformance suite (socketio/engine.io-protocol test-suite), run on
/// the bare Engine.IO endpoint and, as the Socket.IO v5 suite repeats them, on the Socket.IO endpoint.
/// https://github.com/socketio/engine.io-protocol#handshake
/// </summary>
[TestFixture(EngineIOPath, EntryPath.Connection)]
[TestFixture(EngineIOPath, EntryPath.Http)]
[TestFixture(SocketIOPath, EntryPath.Connection)]
[TestFixture(SocketIOPath, EntryPath.Http)]
public sealed class EngineIOHandshakeConformanceTests(string path, EntryPath entryPath) : ConformanceHostFixture(entryPath)
{
    private EnginePollingClient Polling => new(Http, BaseUri, path);

    [Test]
    public async Task PollingHandshakeOpensSessionWithServerSettings()
    {
        var (status, body) = await Polling.GetAsync(Polling.Endpoint("EIO=4&transport=polling"));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body, Does.StartWith("0"));
        AssertOpenPacket(body[1..], expectedUpgrades: ["websocket"]);
    }

    [TestCase("transport=polling")]
    [TestCase("EIO=abc&transport=polling")]
    [TestCase("EIO=3&transport=polling")]
    public async Task PollingHandshakeFailsWithInvalidEIO(string query)
    {
        var (status, _) = await Polling.GetAsync(Polling.Endpoint(query));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [TestCase("EIO=4")]
    [TestCase("EIO=4&transport=abc")]
    public async Task PollingHandshakeFailsWithInvalidTransport(string query)
    {
        var (status, body) = await Polling.GetAsync(Polling.Endpoint(query));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body, Is.EqualTo("{\"code\":0,\"message\":\"Transport unknown\"}"));
    }

    [TestCase("POST")]
    [TestCase("PUT")]
    public async Task PollingHandshakeFailsWithInvalidMethod(string method)
    {
        var (status, _) = await Polling.SendAsync(new HttpMethod(method), Polling.Endpoint("EIO=4&transport=polling"));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task WebSocketHandshakeOpensSessionWithoutUpgrades()
    {
        await using var client = await EngineWebSocketClient.ConnectAsync(WebSocketUri(path));

        string open = await client.ReceiveTextAsync();

        Assert.That(open, Does.StartWith("0"));
        AssertOpenPacket(open[1..], expectedUpgrades: []);
    }

    [TestCase("transport=websocket")]
    [TestCase("EIO=abc&transport=websocket")]
    public async Task WebSocketHandshakeRefusedWithInvalidEIO(string query)
    {
        Assert.That(await EngineWebSocketClient.IsRefusedOrClosedAsync(WebSocketUri(path, query)), Is.True);
    }

    [TestCase("EIO=4")]
    [TestCase("EIO=4&transport=abc")]
    public async Task WebSocketHandshakeRefusedWithInvalidTransport(string query)
    {
        Assert.That(await EngineWebSocketClient.IsRefusedOrClosedAsync(WebSocketUri(path, query)), Is.True);
    }

    private static void AssertOpenPacket(string json, string[] expectedUpgrades)
    {
        using var document = JsonDocument.Parse(json);
        var open = document.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(open.EnumerateObject().Select(p => p.Name),
                Is.EquivalentTo(new[] { "sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload" }));
            Assert.That(open.GetProperty("sid").ValueKind, Is.EqualTo(JsonValueKind.String));
            Assert.That(open.GetProperty("upgrades").EnumerateArray().Select(u => u.GetString()), Is.EqualTo(expectedUpgrades));
            Assert.That(open.GetProperty("pingInterval").GetInt32(), Is.EqualTo(PingIntervalMs));
            Assert.That(open.GetProperty("pingTimeout").GetInt32(), Is.EqualTo(PingTimeoutMs));
            Assert.That(open.GetProperty("maxPayload").GetInt32(), Is.EqualTo(MaxPayload));
        });
    }
}
