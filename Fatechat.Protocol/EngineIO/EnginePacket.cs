namespace Fatechat.Protocol.EngineIO;

/// <summary>One decoded inbound Engine.IO packet. <see cref="Data"/> is only valid while the packet is handled.</summary>
public readonly record struct EnginePacket(EnginePacketType Type, ReadOnlyMemory<byte> Data, bool IsBinary);
