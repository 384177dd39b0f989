namespace Fatechat.Server.Caching;

/// <summary>Presence for a single node: room → user → that user's sockets.</summary>
public sealed class InMemoryPresenceStore : IPresenceStore
{
    private readonly Dictionary<string, Dictionary<string, HashSet<string>>> _rooms = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public ValueTask<bool> AddAsync(PresenceEntry entry, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_rooms.TryGetValue(entry.RoomName, out var users))
            {
                users = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
                _rooms[entry.RoomName] = users;
            }

            if (!users.TryGetValue(entry.UserMail, out var sockets))
            {
                sockets = new HashSet<string>(StringComparer.Ordinal);
                users[entry.UserMail] = sockets;
            }

            sockets.Add(SocketKey(entry));
            return ValueTask.FromResult(sockets.Count == 1);
        }
    }

    public ValueTask<bool> RemoveAsync(PresenceEntry entry, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_rooms.TryGetValue(entry.RoomName, out var users)
                || !users.TryGetValue(entry.UserMail, out var sockets)
                || !sockets.Remove(SocketKey(entry)))
            {
                return ValueTask.FromResult(false);
            }

            if (sockets.Count > 0)
            {
                return ValueTask.FromResult(false);
            }

            users.Remove(entry.UserMail);
            if (users.Count == 0)
            {
                _rooms.Remove(entry.RoomName);
            }

            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<IReadOnlyList<string>> GetOnlineUsersAsync(string roomName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<string> online = _rooms.TryGetValue(roomName, out var users)
                ? users.Keys.Order(StringComparer.Ordinal).ToList()
                : [];
            return ValueTask.FromResult(online);
        }
    }

    private static string SocketKey(PresenceEntry entry) => $"{entry.NodeId}/{entry.SocketId}";
}
