using Fatechat.Protocol.SocketIO;
using Fatechat.Server.Diagnostics;
using Fatechat.Server.Messaging;
using Fatechat.Server.Private;

namespace Fatechat.Server.Chat;

/// <summary>Emits bus events to this node's sockets; each broadcast is encoded once by the protocol's room adapter.</summary>
public sealed class SocketIOChatDelivery(SocketIOServer io, TimeProvider time) : IChatDelivery
{
    public ValueTask DeliverRoomMessageAsync(ChatMessage message, string? offset, CancellationToken cancellationToken)
    {
        Emit(io.To(message.RoomName), offset, ChatEventNames.ReceiveMessage, ReceiveMessagePayload.From(message));
        ServerMetrics.Delivered(ServerMetrics.MessageKinds.Room, message.CreatedAt, time.GetUtcNow().UtcDateTime);
        return ValueTask.CompletedTask;
    }

    public ValueTask DeliverPrivateMessageAsync(PrivateMessage message, string? offset, CancellationToken cancellationToken)
    {
        // Both rooms in one operator: a socket is sent the message once even when someone writes to themselves.
        var users = io.To(PrivateMessageEvents.UserRoom(message.ToMail)).To(PrivateMessageEvents.UserRoom(message.FromMail));
        Emit(users, offset, ChatEventNames.ReceivePrivateMessage, PrivateMessageResponse.Of(message));
        ServerMetrics.Delivered(ServerMetrics.MessageKinds.Private, message.CreatedAt, time.GetUtcNow().UtcDateTime);
        return ValueTask.CompletedTask;
    }

    private static void Emit(BroadcastOperator to, string? offset, string eventName, object payload)
    {
        if (offset is null)
        {
            to.Emit(eventName, payload);
        }
        else
        {
            to.EmitWithOffset(offset, eventName, payload);
        }
    }

    public ValueTask DeliverTypingAsync(RoomTypingChanged typing, CancellationToken cancellationToken)
    {
        // All the typist's tabs are left out, on every node: their user room holds them.
        io.To(typing.RoomName)
            .Except(PrivateMessageEvents.UserRoom(typing.UserMail))
            .Emit(typing.IsTyping ? ChatEventNames.Typing : ChatEventNames.StopTyping, new TypingPayload(typing.RoomName, typing.UserMail));
        return ValueTask.CompletedTask;
    }

    public ValueTask DeliverOnlineUsersAsync(string roomName, IReadOnlyList<string> users, CancellationToken cancellationToken)
    {
        io.To(roomName).Emit(ChatEventNames.OnlineUsers, new OnlineUsersPayload(roomName, users));
        return ValueTask.CompletedTask;
    }
}
