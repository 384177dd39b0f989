using Fatechat.Tests.Support;
using System.Collections.Concurrent;
using System.Text.Json;

namespace Fatechat.Tests.Interop;

/// <summary>
/// The npm socket.io-client on each way of connecting: default transports (polling, then the upgrade), WebSocket
/// only, and polling only. The middleware must see the credentials each way carries.
/// </summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class TransportInteropTests(EntryPath entryPath)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(40);

    [Test]
    public async Task DefaultTransportsStartOnPollingUpgradeToWebSocketAndMiddlewareSeesAuthorizationHeader()
    {
        var seenByMiddleware = new ConcurrentQueue<(string Authorization, string Transport)>();
        await using var server = await InteropServer.StartAsync(entryPath, io =>
        {
            io.Use(socket =>
            {
                seenByMiddleware.Enqueue((socket.Handshake.Headers.Authorization.ToString(), socket.Handshake.Query["transport"].ToString()));
                return Task.CompletedTask;
            });
            io.OnConnection(InteropHandlers.AnswerWhoAmI);
        });

        var result = await NodeScript.RunAsync(ScriptTimeout, "transports.mjs", server.Url, "default");

        Assert.Multiple(() =>
        {
            Assert.That(seenByMiddleware, Is.EqualTo(new[] { ("Bearer x", "polling") }), "middleware runs once; the session's first request was polling");
            Assert.That(result.GetProperty("initialTransport").GetString(), Is.EqualTo("polling"));
            Assert.That(result.GetProperty("finalTransport").GetString(), Is.EqualTo("websocket"));
            Assert.That(result.GetProperty("upgrades").GetInt32(), Is.EqualTo(1));
            var seen = result.GetProperty("server");
            Assert.That(seen.GetProperty("authorization").GetString(), Is.EqualTo("Bearer x"));
            Assert.That(seen.GetProperty("transport").GetString(), Is.EqualTo("websocket"), "server side after the upgrade");
            Assert.That(seen.GetProperty("engineId").GetString(), Is.EqualTo(result.GetProperty("engineId").GetString()));
        });
        server.AssertNoErrorsLogged();
    }

    [Test]
    public async Task WebSocketOnlyClientConnectsWithoutPollingAndMiddlewareSeesAuthToken()
    {
        var tokens = new ConcurrentQueue<(string? Token, string Transport)>();
        await using var server = await InteropServer.StartAsync(entryPath, io =>
        {
            io.Use(socket =>
            {
                string? token = socket.Handshake.Auth.TryGetProperty("token", out var t) ? t.GetString() : null;
                tokens.Enqueue((token, socket.Handshake.Query["transport"].ToString()));
                return Task.CompletedTask;
            });
            io.OnConnection(InteropHandlers.AnswerWhoAmI);
        });

        var result = await NodeScript.RunAsync(ScriptTimeout, "transports.mjs", server.Url, "websocket");

        Assert.Multiple(() =>
        {
            Assert.That(tokens, Is.EqualTo(new[] { ((string?)"t-123", "websocket") }));
            Assert.That(result.GetProperty("initialTransport").GetString(), Is.EqualTo("websocket"));
            Assert.That(result.GetProperty("finalTransport").GetString(), Is.EqualTo("websocket"));
            Assert.That(result.GetProperty("upgrades").GetInt32(), Is.Zero);
            var seen = result.GetProperty("server");
            Assert.That(seen.GetProperty("transport").GetString(), Is.EqualTo("websocket"));
            Assert.That(seen.GetProperty("auth").GetProperty("token").GetString(), Is.EqualTo("t-123"));
            Assert.That(seen.GetProperty("authorization").GetString(), Is.Empty, "no header was sent");
        });
        server.AssertNoErrorsLogged();
    }

    [Test]
    public async Task PollingOnlyClientExchanges200MessagesEachWayInOrder()
    {
        const int count = 200;
        var received = new ConcurrentQueue<int>();
        await using var server = await InteropServer.StartAsync(entryPath, io => io.OnConnection(socket =>
        {
            socket.On<int>("seq", (n, _) =>
            {
                received.Enqueue(n);
                socket.Emit("seq-back", n);
            });
            socket.On<int>("push-please", (total, _) =>
            {
                for (int i = 0; i < total; i++)
                {
                    socket.Emit("push", i);
                }
            });
        }));

        var result = await NodeScript.RunAsync(ScriptTimeout, "polling-order.mjs", server.Url, count.ToString());

        var expected = Enumerable.Range(0, count).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(result.GetProperty("transport").GetString(), Is.EqualTo("polling"));
            Assert.That(received, Is.EqualTo(expected), "order in which the server received the client's events");
            Assert.That(Ints(result.GetProperty("echoes")), Is.EqualTo(expected), "echoes, in arrival order");
            Assert.That(Ints(result.GetProperty("pushes")), Is.EqualTo(expected), "server pushes, in arrival order");
        });
        server.AssertNoErrorsLogged();
    }

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
