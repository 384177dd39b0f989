namespace Fatechat.Protocol.EngineIO;

/// <summary>Engine.IO v4 packet types, written on the wire as one ASCII digit.</summary>
/// <remarks>https://github.com/socketio/engine.io-protocol#packet</remarks>
public enum EnginePacketType : byte
{
    Open = (byte)'0',
    Close = (byte)'1',
    Ping = (byte)'2',
    Pong = (byte)'3',
    Message = (byte)'4',
    Upgrade = (byte)'5',
    Noop = (byte)'6',
}
