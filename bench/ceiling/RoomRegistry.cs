using System.Collections.Concurrent;

namespace Fatechat.Bench.Ceiling;

/// Rooms by name. Members are a copy-on-write array so a broadcast reads them without a lock.
internal sealed class RoomRegistry
{
    private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.Ordinal);

    public Room Get(string name) => _rooms.GetOrAdd(name, static n => new Room(n));

    public bool TryGet(string name, out Room room) => _rooms.TryGetValue(name, out room!);
}

internal sealed class Room(string name)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _socketsByUser = new(StringComparer.Ordinal);
    private volatile CeilingConnection[] _members = [];

    public string Name { get; } = name;

    public CeilingConnection[] Members => _members;

    /// Adds the socket and returns the online users, as one atomic step.
    public string[] Join(CeilingConnection connection)
    {
        lock (_gate)
        {
            _members = [.. _members, connection];
            _socketsByUser[connection.UserMail] = _socketsByUser.GetValueOrDefault(connection.UserMail) + 1;
            return [.. _socketsByUser.Keys];
        }
    }

    public string[] Leave(CeilingConnection connection)
    {
        lock (_gate)
        {
            _members = Array.FindAll(_members, m => m != connection);
            var left = _socketsByUser.GetValueOrDefault(connection.UserMail) - 1;
            if (left > 0) _socketsByUser[connection.UserMail] = left;
            else _socketsByUser.Remove(connection.UserMail);
            return [.. _socketsByUser.Keys];
        }
    }

    /// Queues the same encoded frame to every member.
    public void Broadcast(byte[] frame)
    {
        foreach (var member in _members) member.Enqueue(frame);
    }
}
