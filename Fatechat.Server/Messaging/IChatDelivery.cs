using Fatechat.Server.Chat;
using Fatechat.Server.Private;

namespace Fatechat.Server.Messaging;

/// <summary>Hands bus events to this node's own sockets; implemented by the socket layer.</summary>
public interface IChatDelivery
{
    /// <summary>
    /// <c>receiveMessage</c> to every local socket in the message's room; with an <paramref name="offset"/>, as
    /// the last argument, for clients that may recover their session.
    /// </summary>
    ValueTask DeliverRoomMessageAsync(ChatMessage message, string? offset, CancellationToken cancellationToken);

    /// <summary><c>receivePrivateMessage</c> to every local socket of the recipient and of the sender, with the offset as above.</summary>
    ValueTask DeliverPrivateMessageAsync(PrivateMessage message, string? offset, CancellationToken cancellationToken);

    /// <summary><c>onlineUsers</c> to every local socket in the room.</summary>
    ValueTask DeliverOnlineUsersAsync(string roomName, IReadOnlyList<string> users, CancellationToken cancellationToken);

    /// <summary><c>typing</c> or <c>stopTyping</c> to every local socket in the room but the typist's own.</summary>
    ValueTask DeliverTypingAsync(RoomTypingChanged typing, CancellationToken cancellationToken);
}
