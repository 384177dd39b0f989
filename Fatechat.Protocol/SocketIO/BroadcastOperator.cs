namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// Selects sockets of a namespace (rooms, exclusions) and emits to them, encoding the packet once
/// (Node's <c>BroadcastOperator</c>). Immutable: each call returns a new selection.
/// </summary>
public readonly struct BroadcastOperator
{
    private readonly Namespace _namespace;
    private readonly string[] _rooms;
    private readonly string[] _exceptRooms;
    private readonly SocketIOSocket? _exceptSocket;

    internal BroadcastOperator(Namespace ns, string[] rooms, string[] exceptRooms, SocketIOSocket? exceptSocket)
    {
        _namespace = ns;
        _rooms = rooms;
        _exceptRooms = exceptRooms;
        _exceptSocket = exceptSocket;
    }

    /// <summary>Adds a room to the selection (sockets in any selected room are reached).</summary>
    public BroadcastOperator To(string room) => new(_namespace, [.. _rooms, room], _exceptRooms, _exceptSocket);

    /// <summary>Leaves out the sockets of a room.</summary>
    public BroadcastOperator Except(string room) => new(_namespace, _rooms, [.. _exceptRooms, room], _exceptSocket);

    /// <summary>Emits to the selection; returns how many sockets it was queued to.</summary>
    public int Emit(string eventName, params ReadOnlySpan<object?> args)
    {
        var frame = SocketIOPacketEncoder.EncodeEvent(_namespace.Name, eventName, args, -1, _namespace.Server.Json);
        return _namespace.Adapter.Broadcast(frame, new BroadcastTarget(_rooms, _exceptRooms, _exceptSocket));
    }

    /// <summary>Emits with <paramref name="offset"/> appended as the last argument (see <see cref="SocketIOSocket.EmitWithOffset"/>).</summary>
    public int EmitWithOffset(string offset, string eventName, params ReadOnlySpan<object?> args) => Emit(eventName, [.. args, offset]);
}
