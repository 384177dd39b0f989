using Fatechat.Server.Chat;

namespace Fatechat.Server.Caching;

/// <summary>
/// The newest messages of each room, capped at <c>Fatechat:Chat:RecentMessagesCap</c>, so that
/// <c>getRecentMessages</c> rarely touches the database. Adding is idempotent on the message id.
/// </summary>
public interface IRecentMessageCache
{
    ValueTask AddAsync(ChatMessage message, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="count"/> messages, newest first; fewer when the cache holds fewer.</summary>
    ValueTask<IReadOnlyList<ChatMessage>> GetLatestAsync(string roomName, int count, CancellationToken cancellationToken);

    /// <summary>
    /// Merges messages read from the database (after a restart or an eviction) into the room's list;
    /// messages already cached are kept once.
    /// </summary>
    ValueTask WarmAsync(string roomName, IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken);
}
