using System.Collections.Concurrent;
using Fatechat.Server.Chat;
using Fatechat.Server.Private;
using Fatechat.Server.Storage;

namespace Fatechat.Tests.Adapters;

/// <summary>
/// A real repository that records each write by message id. With <c>failFirst</c> set, that many writes throw
/// before reaching it, as they would while the database is down; the writes after them go through.
/// </summary>
internal sealed class RecordingMessageRepository(IMessageRepository inner, int failFirst = 0) : IMessageRepository
{
    private int _failuresLeft = failFirst;

    /// <summary>Every write asked for, in order, whether it failed, stored or found the message already there.</summary>
    public ConcurrentQueue<string> Writes { get; } = new();

    /// <summary>The writes that stored a new row.</summary>
    public ConcurrentQueue<string> Stored { get; } = new();

    public Task<StoreOutcome> AddRoomMessageAsync(ChatMessage message, CancellationToken cancellationToken) =>
        WriteAsync(message.Id, ct => inner.AddRoomMessageAsync(message, ct), cancellationToken);

    public Task<StoreOutcome> AddPrivateMessageAsync(PrivateMessage message, CancellationToken cancellationToken) =>
        WriteAsync(message.Id, ct => inner.AddPrivateMessageAsync(message, ct), cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> GetRoomMessagesAsync(string roomName, string? beforeId, int limit, CancellationToken cancellationToken) =>
        inner.GetRoomMessagesAsync(roomName, beforeId, limit, cancellationToken);

    public Task<IReadOnlyList<PrivateMessage>> GetConversationAsync(string userA, string userB, string? beforeId, int limit, CancellationToken cancellationToken) =>
        inner.GetConversationAsync(userA, userB, beforeId, limit, cancellationToken);

    public Task<IReadOnlyList<PrivateMessage>> ListConversationsAsync(string user, int limit, CancellationToken cancellationToken) =>
        inner.ListConversationsAsync(user, limit, cancellationToken);

    private async Task<StoreOutcome> WriteAsync(string messageId, Func<CancellationToken, Task<StoreOutcome>> write, CancellationToken cancellationToken)
    {
        Writes.Enqueue(messageId);
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new InvalidOperationException($"Simulated database outage: writing message {messageId} failed.");
        }

        var outcome = await write(cancellationToken);
        if (outcome == StoreOutcome.Stored)
        {
            Stored.Enqueue(messageId);
        }

        return outcome;
    }
}
