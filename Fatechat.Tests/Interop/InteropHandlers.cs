using Fatechat.Protocol.SocketIO;

namespace Fatechat.Tests.Interop;

/// <summary>Server-side handlers that several interop scenarios share.</summary>
internal static class InteropHandlers
{
    /// <summary>
    /// Answers <c>whoami</c> with what the server knows of the socket: the Authorization header, the current
    /// transport, the Engine.IO session id, the namespace and the auth payload.
    /// </summary>
    public static void AnswerWhoAmI(SocketIOSocket socket) =>
        socket.On("whoami", (_, ack) => ack?.Send(new
        {
            authorization = socket.Handshake.Headers.Authorization.ToString(),
            transport = socket.Connection.Transport,
            engineId = socket.Connection.Id,
            socketId = socket.Id,
            nsp = socket.Namespace.Name,
            auth = socket.Handshake.Auth,
        }));
}
