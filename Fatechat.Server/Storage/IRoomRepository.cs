using Fatechat.Server.Rooms;

namespace Fatechat.Server.Storage;

public interface IRoomRepository
{
    /// <summary>Stores a new room; null when the name is taken (compared case-insensitively).</summary>
    Task<ChatRoom?> TryCreateAsync(string name, DateTime createdAt, CancellationToken cancellationToken);

    /// <summary>Every room, oldest first (the Node server listed them in primary-key order).</summary>
    Task<IReadOnlyList<ChatRoom>> ListAsync(CancellationToken cancellationToken);

    Task<ChatRoom?> FindByIdAsync(long id, CancellationToken cancellationToken);

    Task<ChatRoom?> FindByNameAsync(string name, CancellationToken cancellationToken);
}
