using System.Buffers;
using System.Buffers.Binary;

namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>The opcodes of RFC 6455 §5.2.</summary>
internal static class WebSocketOpcode
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;
}

/// <summary>The header of one client frame (RFC 6455 §5.2): flags, opcode, payload length and mask.</summary>
internal readonly record struct WebSocketFrameHeader(byte First, bool Masked, ulong Length, uint Mask)
{
    private const int MaxHeaderLength = 14;

    public bool IsFinal => (First & 0x80) != 0;
    public bool HasReservedBits => (First & 0x70) != 0;
    public byte Opcode => (byte)(First & 0x0F);
    public bool IsControl => (Opcode & 0x8) != 0;

    /// <summary>Reads a header off the front of <paramref name="buffer"/>; false while it has not all arrived.</summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out WebSocketFrameHeader header)
    {
        header = default;
        Span<byte> bytes = stackalloc byte[MaxHeaderLength];
        int available = (int)Math.Min(buffer.Length, MaxHeaderLength);
        if (available < 2)
        {
            return false;
        }

        buffer.Slice(0, available).CopyTo(bytes);
        int length7 = bytes[1] & 0x7F;
        bool masked = (bytes[1] & 0x80) != 0;
        int headerLength = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (masked ? 4 : 0);
        if (available < headerLength)
        {
            return false;
        }

        ulong length = length7 switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]),
            127 => BinaryPrimitives.ReadUInt64BigEndian(bytes[2..]),
            _ => (ulong)length7,
        };
        uint mask = masked ? BinaryPrimitives.ReadUInt32LittleEndian(bytes[(headerLength - 4)..]) : 0;
        header = new WebSocketFrameHeader(bytes[0], masked, length, mask);
        buffer = buffer.Slice(headerLength);
        return true;
    }
}
