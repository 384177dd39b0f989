using System.Text.Json;
using Fatechat.Tests.Interop;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Realtime;

/// <summary>
/// One chat conversation (Realtime/node/every-client.mjs) with each socket.io-client major version users still
/// run — 2.5.0 (Engine.IO v3 / Socket.IO v4), 3.1.3 and 4.8.4 — over polling only, polling upgraded to
/// WebSocket, and WebSocket only, against the real server with its shipped settings (<c>SocketIO:AllowEIO3</c> on).
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.Children)]
public sealed class EveryClientTests
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(60);

    private FatechatTestServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await FatechatTestServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task ChatWorksTheSameOnEveryClientVersionAndTransport(
        [Values("v2", "v3", "v4")] string client,
        [Values("polling", "upgrade", "websocket")] string transports)
    {
        var r = await NodeScript.RunAsync(ScenarioTimeout, "../../Realtime/node/every-client.mjs",
            _server.BaseAddress.ToString().TrimEnd('/'), client, transports);
        Assert.That(r.TryGetProperty("error", out var error), Is.False, () => error.ToString());

        string alice = r.GetProperty("alice").GetString()!;
        string bob = r.GetProperty("bob").GetString()!;
        string room = r.GetProperty("room").GetString()!;
        Assert.That(r.GetProperty("transport").GetString(), Is.EqualTo(transports == "polling" ? "polling" : "websocket"));
        Assert.That(r.GetProperty("joined").GetProperty("ok").GetBoolean(), Is.True);
        Assert.That(r.GetProperty("welcome").GetString(), Is.EqualTo($"Welcome {alice} to room no {room}"));
        Assert.That(Users(r.GetProperty("online")), Is.EquivalentTo(new[] { alice, bob }));

        var sent = r.GetProperty("sent");
        Assert.That(sent.GetProperty("ok").GetBoolean(), Is.True);
        var atBob = r.GetProperty("atBob");
        Assert.That(atBob.GetProperty("id").GetString(), Is.EqualTo(sent.GetProperty("id").GetString()));
        Assert.That(atBob.GetProperty("userMail").GetString(), Is.EqualTo(alice));
        Assert.That(atBob.GetProperty("messageText").GetString(), Is.EqualTo("héllo from alice 🐙"), "non-ASCII text and a surrogate pair survive the client's framing");
        Assert.That(r.GetProperty("atAlice").GetProperty("id").GetString(), Is.EqualTo(r.GetProperty("reply").GetProperty("id").GetString()));

        var recent = r.GetProperty("recent").EnumerateArray().Select(m => m.GetProperty("message_text").GetString()).ToArray();
        Assert.That(recent, Is.EqualTo(new[] { "hi alice", "héllo from alice 🐙" }), "newest first");
        Assert.That(Users(r.GetProperty("onlineAnswer")), Is.EquivalentTo(new[] { alice, bob }));

        Assert.That(r.GetProperty("privateSent").GetProperty("ok").GetBoolean(), Is.True);
        Assert.That(r.GetProperty("privateAtBob").GetProperty("messageText").GetString(), Is.EqualTo("just us"));
        Assert.That(r.GetProperty("privateAtAlice").GetProperty("messageText").GetString(), Is.EqualTo("just us, back"));

        var refused = r.GetProperty("refused");
        Assert.That(refused.GetProperty("ok").GetBoolean(), Is.False);
        Assert.That(refused.GetProperty("error").GetString(), Is.Not.Empty);

        // 2.x computes its socket id from the Engine.IO id; the server must use the same one.
        if (client == "v2")
        {
            Assert.That(r.GetProperty("socketId").GetString(), Is.EqualTo(r.GetProperty("engineId").GetString()));
        }
    }

    private static IEnumerable<string?> Users(JsonElement online) =>
        online.GetProperty("users").EnumerateArray().Select(u => u.GetString());
}
