using Fatechat.Protocol.EngineIO;

namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// Room membership of one namespace and delivery of an encoded packet to a selection of its sockets
/// (Node's socket.io-adapter). The default keeps rooms in memory on this node.
/// </summary>
public interface IRoomAdapter
{
    void Join(SocketIOSocket socket, string room);
    void Leave(SocketIOSocket socket, string room);
    /// <summary>Sockets currently in <paramref name="room"/>.</summary>
    IReadOnlyList<SocketIOSocket> SocketsIn(string room);
    /// <summary>Queues <paramref name="frame"/> to every selected socket; returns how many received it.</summary>
    int Broadcast(in OutboundFrame frame, in BroadcastTarget target);
}

/// <summary>Which sockets a broadcast reaches: the union of <see cref="Rooms"/> (every socket when empty), minus exclusions.</summary>
public readonly record struct BroadcastTarget(string[] Rooms, string[] ExceptRooms, SocketIOSocket? ExceptSocket);
