namespace Fatechat.Protocol.SocketIO;

/// <summary>The acknowledgement callback of a received event; the first <see cref="Send"/> answers, later ones are ignored.</summary>
public sealed class SocketIOAck
{
    private readonly SocketIOSocket _socket;
    private readonly long _id;
    private int _sent;

    internal SocketIOAck(SocketIOSocket socket, long id)
    {
        _socket = socket;
        _id = id;
    }

    public bool IsSent => Volatile.Read(ref _sent) != 0;

    public void Send(params object?[] args)
    {
        if (Interlocked.Exchange(ref _sent, 1) == 0)
        {
            _socket.SendAck(_id, args);
        }
    }
}
