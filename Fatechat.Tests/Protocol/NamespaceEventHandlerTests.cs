using Fatechat.Protocol.SocketIO;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Protocol;

/// <summary>
/// Event handlers registered once on a namespace (<see cref="Namespace.On{T}"/>) instead of per socket: each call
/// gets the socket that sent the event, a socket's own handler for the same event wins, and a payload that does
/// not bind is answered with the "invalid payload" ack while the connection stays up.
/// </summary>
public sealed class NamespaceEventHandlerTests : ConformanceHostFixture
{
    private const string Nsp = "/shared-handlers";

    private sealed record Greeting(string? Name);

    [OneTimeSetUp]
    public void RegisterHandlers()
    {
        var ns = Io.Of(Nsp);
        ns.On<Greeting>("greet", (socket, greeting, ack, _) =>
        {
            ack?.Send($"hello {greeting?.Name} from {socket.Id}");
            return Task.CompletedTask;
        });
        ns.On<Greeting>("overridden", (socket, _, ack, _) =>
        {
            ack?.Send("namespace");
            return Task.CompletedTask;
        });
        ns.OnConnection(socket => socket.On("overridden", (_, ack) => ack?.Send("socket")));
    }

    [Test]
    public async Task NamespaceHandlerIsCalledWithTheSendingSocket()
    {
        var (client, socketId) = await ConnectNamespaceAsync(Nsp);
        await using var _ = client;

        await client.SendAsync($"42{Nsp},7[\"greet\",{{\"name\":\"ada\"}}]");

        Assert.That((await client.ReceiveSkippingPingsAsync(1))[0].Text, Is.EqualTo($"43{Nsp},7[\"hello ada from {socketId}\"]"));
    }

    [Test]
    public async Task SocketHandlerTakesPrecedenceOverTheNamespaceHandler()
    {
        var (client, _) = await ConnectNamespaceAsync(Nsp);
        await using var __ = client;

        await client.SendAsync($"42{Nsp},3[\"overridden\",{{}}]");

        Assert.That((await client.ReceiveSkippingPingsAsync(1))[0].Text, Is.EqualTo($"43{Nsp},3[\"socket\"]"));
    }

    [Test]
    public async Task PayloadThatDoesNotBindIsAnsweredWithInvalidPayloadAndTheSocketStaysUp()
    {
        var (client, socketId) = await ConnectNamespaceAsync(Nsp);
        await using var _ = client;

        await client.SendAsync($"42{Nsp},4[\"greet\",[1,2]]");
        Assert.That((await client.ReceiveSkippingPingsAsync(1))[0].Text, Is.EqualTo($"43{Nsp},4[{{\"ok\":false,\"error\":\"invalid payload\"}}]"));

        await client.SendAsync($"42{Nsp},5[\"greet\",{{\"name\":\"bo\"}}]");
        Assert.That((await client.ReceiveSkippingPingsAsync(1))[0].Text, Is.EqualTo($"43{Nsp},5[\"hello bo from {socketId}\"]"));
    }
}
