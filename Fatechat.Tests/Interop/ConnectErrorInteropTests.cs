using Fatechat.Tests.Support;
using System.Collections.Concurrent;
using Fatechat.Protocol.SocketIO;

namespace Fatechat.Tests.Interop;

/// <summary>A middleware refusal reaches the npm socket.io-client as <c>connect_error</c> with its message and data, and is not retried.</summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class ConnectErrorInteropTests(EntryPath entryPath)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(40);

    [TestCase("polling")]
    [TestCase("websocket")]
    public async Task MiddlewareRejectionArrivesAsConnectErrorWithMessageAndData(string transport)
    {
        var tokens = new ConcurrentQueue<string?>();
        var connections = new ConcurrentQueue<string>();
        await using var server = await InteropServer.StartAsync(entryPath, io =>
        {
            io.Use(socket =>
            {
                string? token = socket.Handshake.Auth.TryGetProperty("token", out var t) ? t.GetString() : null;
                tokens.Enqueue(token);
                return token == "good"
                    ? Task.CompletedTask
                    : throw new SocketIOConnectException("not authorized", new { code = 401, reason = "bad token" });
            });
            io.OnConnection(socket => connections.Enqueue(socket.Id));
        });

        var result = await NodeScript.RunAsync(ScriptTimeout, "connect-error.mjs", server.Url, transport);

        var rejected = result.GetProperty("rejected");
        Assert.Multiple(() =>
        {
            Assert.That(rejected.GetProperty("message").GetString(), Is.EqualTo("not authorized"));
            Assert.That(rejected.GetProperty("data").GetProperty("code").GetInt32(), Is.EqualTo(401));
            Assert.That(rejected.GetProperty("data").GetProperty("reason").GetString(), Is.EqualTo("bad token"));
            Assert.That(rejected.GetProperty("connectErrors").GetInt32(), Is.EqualTo(1), "no retry after a middleware refusal");
            Assert.That(rejected.GetProperty("active").GetBoolean(), Is.False);
            Assert.That(rejected.GetProperty("connected").GetBoolean(), Is.False);
            Assert.That(tokens, Is.EqualTo(new[] { "bad", "good" }), "the middleware ran once per client");
            Assert.That(connections, Is.EqualTo(new[] { result.GetProperty("acceptedId").GetString() }), "only the accepted client connected");
        });
        server.AssertNoErrorsLogged();
    }
}
