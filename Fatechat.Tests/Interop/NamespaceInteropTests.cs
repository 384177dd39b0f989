using Fatechat.Tests.Support;
using System.Collections.Concurrent;
using Fatechat.Protocol.SocketIO;

namespace Fatechat.Tests.Interop;

/// <summary>
/// Namespaces with the npm socket.io-client: a custom namespace with its own middleware and handlers, multiplexed
/// with <c>/</c> on one Engine.IO connection, and an unknown namespace refused.
/// </summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class NamespaceInteropTests(EntryPath entryPath)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(40);

    [Test]
    public async Task CustomNamespaceIsMultiplexedWithMainNamespaceOnOneConnection()
    {
        var middlewareCalls = new ConcurrentQueue<string>();
        var chatDisconnect = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await InteropServer.StartAsync(entryPath, io =>
        {
            io.OnConnection(socket => AnswerWhere(socket, "main"));
            io.Of("/chat")
                .Use(socket =>
                {
                    middlewareCalls.Enqueue(socket.Namespace.Name + " " + socket.Handshake.Auth.GetProperty("who").GetString());
                    return Task.CompletedTask;
                })
                .OnConnection(socket =>
                {
                    AnswerWhere(socket, "chat");
                    socket.On("hello-everyone", (_, _) => io.Of("/chat").Emit("hello", "to /chat only"));
                    socket.OnDisconnect(reason => chatDisconnect.TrySetResult(reason));
                });
        });

        var result = await NodeScript.RunAsync(ScriptTimeout, "namespaces.mjs", server.Url);
        string reason = await chatDisconnect.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var root = result.GetProperty("rootAnswer");
        var chat = result.GetProperty("chatAnswer");
        Assert.Multiple(() =>
        {
            Assert.That(middlewareCalls, Is.EqualTo(new[] { "/chat chat" }), "only /chat's middleware ran for /chat, with /chat's auth");
            Assert.That(root.GetProperty("nsp").GetString(), Is.EqualTo("/"));
            Assert.That(root.GetProperty("handler").GetString(), Is.EqualTo("main"));
            Assert.That(root.GetProperty("auth").GetProperty("who").GetString(), Is.EqualTo("root"));
            Assert.That(chat.GetProperty("nsp").GetString(), Is.EqualTo("/chat"));
            Assert.That(chat.GetProperty("handler").GetString(), Is.EqualTo("chat"));
            Assert.That(chat.GetProperty("auth").GetProperty("who").GetString(), Is.EqualTo("chat"));

            Assert.That(chat.GetProperty("engineId").GetString(), Is.EqualTo(root.GetProperty("engineId").GetString()), "one Engine.IO connection");
            Assert.That(result.GetProperty("clientEngineIds")[0].GetString(), Is.EqualTo(root.GetProperty("engineId").GetString()));
            Assert.That(chat.GetProperty("socketId").GetString(), Is.Not.EqualTo(root.GetProperty("socketId").GetString()));
            Assert.That(result.GetProperty("socketIds")[0].GetString(), Is.EqualTo(root.GetProperty("socketId").GetString()));
            Assert.That(result.GetProperty("socketIds")[1].GetString(), Is.EqualTo(chat.GetProperty("socketId").GetString()));

            var received = result.GetProperty("received");
            Assert.That(received.GetProperty("rootHello").GetInt32(), Is.Zero, "an emit to /chat must not reach /");
            Assert.That(received.GetProperty("chatHello").GetArrayLength(), Is.EqualTo(1));
            Assert.That(received.GetProperty("chatHello")[0][0].GetString(), Is.EqualTo("to /chat only"));

            Assert.That(result.GetProperty("unknownNamespaceError").GetString(), Is.EqualTo("Invalid namespace"));
            Assert.That(reason, Is.EqualTo("client namespace disconnect"));
            Assert.That(result.GetProperty("rootAfterChatLeft").GetProperty("engineId").GetString(), Is.EqualTo(root.GetProperty("engineId").GetString()),
                "/ still answers on the same connection after /chat left");
        });
        server.AssertNoErrorsLogged();
    }

    private static void AnswerWhere(SocketIOSocket socket, string handler) =>
        socket.On("where", (_, ack) => ack?.Send(new
        {
            handler,
            nsp = socket.Namespace.Name,
            engineId = socket.Connection.Id,
            socketId = socket.Id,
            auth = socket.Handshake.Auth,
        }));
}
