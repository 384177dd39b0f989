using Fatechat.Tests.Support;
using System.Collections.Concurrent;
using Fatechat.Protocol.SocketIO;

namespace Fatechat.Tests.Interop;

/// <summary>
/// The server drops an npm socket.io-client connection and the client comes back and emits again: by itself when
/// the Engine.IO connection is closed ("transport close"), and only when told to after
/// <c>Disconnect(close: true)</c> ("io server disconnect"), exactly as with the Node server.
/// </summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class ReconnectionInteropTests(EntryPath entryPath)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(40);

    [TestCase("websocket")]
    [TestCase("polling")]
    public async Task ClientReconnectsByItselfAfterServerClosesEngineConnection(string transport)
    {
        var (server, hellos, reasons) = await StartAsync();
        await using (server)
        {
            var result = await NodeScript.RunAsync(ScriptTimeout, "reconnect.mjs", server.Url, "close-engine", transport);

            Assert.Multiple(() =>
            {
                Assert.That(result.GetProperty("reason").GetString(), Is.EqualTo("transport close"));
                Assert.That(result.GetProperty("reconnectedBySelf").GetBoolean(), Is.True);
                AssertSecondHelloOnNewConnection(result, hellos, transport);
            });
            Assert.That(await reasons.Take(TimeSpan.FromSeconds(5)), Is.EqualTo("forced close"), "server-side disconnect reason of the dropped socket");
            server.AssertNoErrorsLogged();
        }
    }

    [TestCase("websocket")]
    [TestCase("polling")]
    public async Task ClientDisconnectedWithCloseIsNotRetriedButReconnectsWhenTold(string transport)
    {
        var (server, hellos, reasons) = await StartAsync();
        await using (server)
        {
            var result = await NodeScript.RunAsync(ScriptTimeout, "reconnect.mjs", server.Url, "disconnect-close", transport);

            Assert.Multiple(() =>
            {
                Assert.That(result.GetProperty("reason").GetString(), Is.EqualTo("io server disconnect"));
                Assert.That(result.GetProperty("reconnectedBySelf").GetBoolean(), Is.False, "no automatic retry after a server disconnect");
                Assert.That(result.GetProperty("activeAfterDrop").GetBoolean(), Is.False);
                AssertSecondHelloOnNewConnection(result, hellos, transport);
            });
            Assert.That(await reasons.Take(TimeSpan.FromSeconds(5)), Is.EqualTo("server namespace disconnect"));
            server.AssertNoErrorsLogged();
        }
    }

    private static void AssertSecondHelloOnNewConnection(System.Text.Json.JsonElement result, ConcurrentQueue<(int N, string EngineId, string SocketId)> hellos, string transport)
    {
        var first = result.GetProperty("first");
        var second = result.GetProperty("second");
        Assert.That(first.GetProperty("n").GetInt32(), Is.EqualTo(1));
        Assert.That(second.GetProperty("n").GetInt32(), Is.EqualTo(2));
        Assert.That(second.GetProperty("engineId").GetString(), Is.Not.EqualTo(first.GetProperty("engineId").GetString()), "a new Engine.IO session");
        Assert.That(hellos.Select(h => h.N), Is.EqualTo(new[] { 1, 2 }), "the server got the emit from before and after the drop");
        Assert.That(result.GetProperty("transport").GetString(), Is.EqualTo(transport));
    }

    private async Task<(InteropServer Server, ConcurrentQueue<(int N, string EngineId, string SocketId)> Hellos, ReasonQueue Reasons)> StartAsync()
    {
        var hellos = new ConcurrentQueue<(int N, string EngineId, string SocketId)>();
        var reasons = new ReasonQueue();
        var server = await InteropServer.StartAsync(entryPath, io => io.OnConnection(socket =>
        {
            socket.OnDisconnect(reasons.Add);
            socket.On<int>("hello", (n, ack) =>
            {
                hellos.Enqueue((n, socket.Connection.Id, socket.Id));
                ack?.Send(new { n, engineId = socket.Connection.Id, socketId = socket.Id });
            });
            socket.On<string>("drop-me", (mode, _) =>
            {
                if (mode == "disconnect-close")
                {
                    socket.Disconnect(close: true);
                }
                else
                {
                    socket.Connection.Close();
                }
            });
        }));
        return (server, hellos, reasons);
    }

    /// <summary>Disconnect reasons in the order the server reported them; <see cref="Take"/> waits for the first.</summary>
    private sealed class ReasonQueue
    {
        private readonly System.Threading.Channels.Channel<string> _reasons = System.Threading.Channels.Channel.CreateUnbounded<string>();

        public void Add(string reason) => _reasons.Writer.TryWrite(reason);

        public async Task<string> Take(TimeSpan timeout) => await _reasons.Reader.ReadAsync().AsTask().WaitAsync(timeout);
    }
}
