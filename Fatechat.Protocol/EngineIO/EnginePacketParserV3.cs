using System.Buffers;
using System.Buffers.Text;

namespace Fatechat.Protocol.EngineIO;

/// <summary>
/// Engine.IO v3 single packets (Node's parser-v3 <c>decodePacket</c>): text as in v4; binary data behind the
/// packet type as a byte (4, message) in a binary frame, or as <c>b4</c> + base64 in text. Never throws.
/// </summary>
internal static class EnginePacketParserV3
{
    private const byte MessageType = 4;

    /// <summary>One WebSocket frame.</summary>
    public static bool TryParseFrame(ReadOnlyMemory<byte> frame, bool isBinary, out EnginePacket packet)
    {
        if (isBinary)
        {
            return TryParseBinary(frame, out packet);
        }

        return frame.Length > 0 && frame.Span[0] == (byte)'b'
            ? TryParseBase64(frame.Span, out packet)
            : EnginePacketParser.TryParseText(frame, out packet);
    }

    /// <summary>Type byte, then data: only a message may carry bytes.</summary>
    public static bool TryParseBinary(ReadOnlyMemory<byte> record, out EnginePacket packet)
    {
        packet = default;
        if (record.IsEmpty || record.Span[0] != MessageType)
        {
            return false;
        }

        packet = new EnginePacket(EnginePacketType.Message, record[1..], IsBinary: true);
        return true;
    }

    /// <summary><c>b</c>, the type digit (4), base64 of the data; decoded into an array of its own.</summary>
    public static bool TryParseBase64(ReadOnlySpan<byte> record, out EnginePacket packet)
    {
        packet = default;
        if (record.Length < 2 || record[0] != (byte)'b' || record[1] != (byte)EnginePacketType.Message)
        {
            return false;
        }

        ReadOnlySpan<byte> base64 = record[2..];
        byte[] decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(base64.Length)];
        if (Base64.DecodeFromUtf8(base64, decoded, out _, out int written) != OperationStatus.Done)
        {
            return false;
        }

        packet = new EnginePacket(EnginePacketType.Message, decoded.AsMemory(0, written), IsBinary: true);
        return true;
    }
}
