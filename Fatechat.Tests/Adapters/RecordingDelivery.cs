using System.Collections.Concurrent;
using Fatechat.Server.Chat;
using Fatechat.Server.Messaging;
using Fatechat.Server.Private;

namespace Fatechat.Tests.Adapters;

/// <summary>Stands in for the sockets: records what the pipeline hands to them.</summary>
internal sealed class RecordingDelivery : IChatDelivery
{
    public ConcurrentQueue<ChatMessage> RoomMessages { get; } = new();

    public ConcurrentQueue<PrivateMessage> PrivateMessages { get; } = new();

    public ConcurrentDictionary<string, IReadOnlyList<string>> OnlineLists { get; } = new();

    /// <summary>Every delivery in order: <c>onlineUsers {room}</c> or <c>receiveMessage {id}</c>.</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    public ValueTask DeliverRoomMessageAsync(ChatMessage message, string? offset, CancellationToken cancellationToken)
    {
        RoomMessages.Enqueue(message);
        Log.Enqueue($"receiveMessage {message.Id}");
        return ValueTask.CompletedTask;
    }

    public ValueTask DeliverPrivateMessageAsync(PrivateMessage message, string? offset, CancellationToken cancellationToken)
    {
        PrivateMessages.Enqueue(message);
        return ValueTask.CompletedTask;
    }

    public ConcurrentQueue<RoomTypingChanged> Typing { get; } = new();

    public ValueTask DeliverTypingAsync(RoomTypingChanged typing, CancellationToken cancellationToken)
    {
        Typing.Enqueue(typing);
        return ValueTask.CompletedTask;
    }

    public ValueTask DeliverOnlineUsersAsync(string roomName, IReadOnlyList<string> users, CancellationToken cancellationToken)
    {
        OnlineLists[roomName] = users;
        Log.Enqueue($"onlineUsers {roomName}");
        return ValueTask.CompletedTask;
    }
}
