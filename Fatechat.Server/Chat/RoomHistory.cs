using Fatechat.Server.Caching;
using Fatechat.Server.Messaging;
using Fatechat.Server.Options;
using Fatechat.Server.Storage;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Chat;

/// <summary>
/// A room's newest messages: from the recent-message cache when it holds enough, else from the repository,
/// which then warms the cache (after a restart, or when Redis lost the list). Each read first lets the store catch up
/// with what this node has published, so the history holds what its sockets were sent.
/// </summary>
public sealed class RoomHistory(IChatBus bus, IRecentMessageCache cache, IMessageRepository messages, IOptions<ChatOptions> options)
{
    private readonly int _cap = options.Value.RecentMessagesCap;

    /// <summary>Up to <paramref name="count"/> messages (at most the cap), newest first.</summary>
    public async Task<IReadOnlyList<ChatMessage>> GetLatestAsync(string roomName, int count, CancellationToken cancellationToken)
    {
        count = Math.Clamp(count, 0, _cap);
        if (count == 0)
        {
            return [];
        }

        await bus.WaitForStorageAsync(cancellationToken);
        var cached = await cache.GetLatestAsync(roomName, count, cancellationToken);
        if (cached.Count >= count)
        {
            return cached;
        }

        // Fewer cached than asked for: either the room is that small or the cache is cold. Only the database knows.
        var stored = await messages.GetRoomMessagesAsync(roomName, beforeId: null, count, cancellationToken);
        if (stored.Count > cached.Count)
        {
            await cache.WarmAsync(roomName, stored, cancellationToken);
            return stored;
        }

        return cached;
    }

    /// <summary>An older page, straight from the repository (the cache holds only the newest).</summary>
    public async Task<IReadOnlyList<ChatMessage>> GetPageAsync(string roomName, string? beforeId, int limit, CancellationToken cancellationToken)
    {
        if (beforeId is null && limit <= _cap)
        {
            return await GetLatestAsync(roomName, limit, cancellationToken);
        }

        await bus.WaitForStorageAsync(cancellationToken);
        return await messages.GetRoomMessagesAsync(roomName, beforeId, limit, cancellationToken);
    }
}
