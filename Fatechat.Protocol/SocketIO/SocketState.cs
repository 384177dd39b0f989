namespace Fatechat.Protocol.SocketIO;

/// <summary>Where a <see cref="SocketIOSocket"/> is in its life; it only moves forward.</summary>
internal enum SocketState
{
    /// <summary>Its namespace's middleware is running.</summary>
    Connecting,

    /// <summary>Joined: it receives events and may emit.</summary>
    Connected,

    /// <summary>Gone: its rooms are left and its disconnect handlers have been called.</summary>
    Disconnected,
}
