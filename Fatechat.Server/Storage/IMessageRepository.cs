using Fatechat.Server.Chat;
using Fatechat.Server.Private;

namespace Fatechat.Server.Storage;

/// <summary>
/// Room and private messages. Inserts are idempotent on the message id: a redelivered message is stored once. A
/// message with a client message id is also unique per sender and client id, room and private messages together;
/// that id is kept for the check only, and messages read back carry none.
/// </summary>
public interface IMessageRepository
{
    Task<StoreOutcome> AddRoomMessageAsync(ChatMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Adds <paramref name="batch"/> in order, as <see cref="AddRoomMessageAsync"/> would one by one, and returns each
    /// message's outcome at its index. When it throws, part of the batch may be stored already; adding it again stores
    /// nothing twice. The default adds them one at a time; a store that can write many rows in one transaction does so.
    /// </summary>
    async Task<IReadOnlyList<StoreOutcome>> AddRoomMessagesAsync(IReadOnlyList<ChatMessage> batch, CancellationToken cancellationToken)
    {
        var outcomes = new StoreOutcome[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            outcomes[i] = await AddRoomMessageAsync(batch[i], cancellationToken);
        }

        return outcomes;
    }

    /// <summary>Newest first; only ids below <paramref name="beforeId"/> when it is given.</summary>
    Task<IReadOnlyList<ChatMessage>> GetRoomMessagesAsync(string roomName, string? beforeId, int limit, CancellationToken cancellationToken);

    Task<StoreOutcome> AddPrivateMessageAsync(PrivateMessage message, CancellationToken cancellationToken);

    /// <summary>Both directions between the two users, newest first; only ids below <paramref name="beforeId"/> when given.</summary>
    Task<IReadOnlyList<PrivateMessage>> GetConversationAsync(string userA, string userB, string? beforeId, int limit, CancellationToken cancellationToken);

    /// <summary>The latest message of each of <paramref name="user"/>'s private conversations, the most recent conversation first.</summary>
    Task<IReadOnlyList<PrivateMessage>> ListConversationsAsync(string user, int limit, CancellationToken cancellationToken);
}
