using System.Collections.Concurrent;
using Fatechat.Protocol.Diagnostics;
using Fatechat.Protocol.EngineIO;

namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// The rooms of one namespace on this node, in memory (Node's in-memory adapter). Each room is a copy-on-write array: joins and leaves copy it under a lock, while a
/// broadcast reads the current array without locking or allocating (one room, no exclusions: the hot path).
/// </summary>
internal sealed class InMemoryRoomAdapter
{
    private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly Namespace _namespace;

    public InMemoryRoomAdapter(Namespace ns) => _namespace = ns;

    public void Join(SocketIOSocket socket, string room)
    {
        while (true)
        {
            Room members = _rooms.GetOrAdd(room, static _ => new Room());
            lock (members)
            {
                // A room emptied and removed concurrently must not swallow the join.
                if (members.Removed)
                {
                    continue;
                }

                if (Array.IndexOf(members.Sockets, socket) < 0)
                {
                    var grown = new SocketIOSocket[members.Sockets.Length + 1];
                    members.Sockets.CopyTo(grown, 0);
                    grown[^1] = socket;
                    members.Sockets = grown;
                }

                return;
            }
        }
    }

    public void Leave(SocketIOSocket socket, string room)
    {
        if (!_rooms.TryGetValue(room, out Room? members))
        {
            return;
        }

        lock (members)
        {
            int index = Array.IndexOf(members.Sockets, socket);
            if (index < 0)
            {
                return;
            }

            if (members.Sockets.Length == 1)
            {
                members.Sockets = [];
                members.Removed = true;
                _rooms.TryRemove(new KeyValuePair<string, Room>(room, members));
                return;
            }

            var shrunk = new SocketIOSocket[members.Sockets.Length - 1];
            Array.Copy(members.Sockets, 0, shrunk, 0, index);
            Array.Copy(members.Sockets, index + 1, shrunk, index, shrunk.Length - index);
            members.Sockets = shrunk;
        }
    }

    public IReadOnlyList<SocketIOSocket> SocketsIn(string room)
    {
        if (_rooms.TryGetValue(room, out Room? members))
        {
            return members.Sockets;
        }

        // Every socket is implicitly in the room named after its id, as in Node.
        return _namespace.TryGetSocket(room, out SocketIOSocket? socket) ? [socket] : [];
    }

    public int Broadcast(in OutboundFrame frame, in BroadcastTarget target)
    {
        if (target.Rooms.Length == 1 && target.ExceptRooms.Length == 0)
        {
            int sent = 0;
            foreach (SocketIOSocket socket in SocketsIn(target.Rooms[0]))
            {
                if (socket != target.ExceptSocket && socket.Send(frame))
                {
                    sent++;
                }
            }

            ProtocolMetrics.Broadcast(sent);
            return sent;
        }

        return BroadcastToSelection(frame, target);
    }

    private int BroadcastToSelection(in OutboundFrame frame, in BroadcastTarget target)
    {
        var excluded = new HashSet<SocketIOSocket>();
        if (target.ExceptSocket is not null)
        {
            excluded.Add(target.ExceptSocket);
        }

        foreach (string room in target.ExceptRooms)
        {
            excluded.UnionWith(SocketsIn(room));
        }

        IEnumerable<SocketIOSocket> candidates = target.Rooms.Length == 0
            ? _namespace.Sockets
            : target.Rooms.SelectMany(SocketsIn);
        int sent = 0;
        foreach (SocketIOSocket socket in candidates)
        {
            // Adding to the exclusions also stops a socket that is in two rooms from receiving twice.
            if (excluded.Add(socket) && socket.Send(frame))
            {
                sent++;
            }
        }

        ProtocolMetrics.Broadcast(sent);
        return sent;
    }

    private sealed class Room
    {
        public volatile SocketIOSocket[] Sockets = [];
        public bool Removed;
    }
}
