using System.Buffers;
using System.Buffers.Text;

namespace Fatechat.Protocol.EngineIO;

/// <summary>
/// Decodes Engine.IO v4 packets: one per WebSocket frame, or several per polling body separated by the record
/// separator <c>\x1e</c>, binary ones base64-encoded behind a <c>b</c>
/// (https://github.com/socketio/engine.io-protocol#http-long-polling-1). Never throws on input.
/// </summary>
public static class EnginePacketParser
{
    public const byte RecordSeparator = 0x1e;
    private const byte Base64Marker = (byte)'b';

    /// <summary>Parses a text packet: a type digit 0–6 followed by its data, which must be valid UTF-8.</summary>
    public static bool TryParseText(ReadOnlyMemory<byte> packet, out EnginePacket result)
    {
        result = default;
        if (packet.IsEmpty || !System.Text.Unicode.Utf8.IsValid(packet.Span))
        {
            return false;
        }

        byte type = packet.Span[0];
        if (type < (byte)EnginePacketType.Open || type > (byte)EnginePacketType.Noop)
        {
            return false;
        }

        result = new EnginePacket((EnginePacketType)type, packet[1..], IsBinary: false);
        return true;
    }

    /// <summary>
    /// Splits a polling body into <paramref name="packets"/>; base64 packets are decoded into arrays of their own.
    /// Returns false at the first malformed packet (empty record, unknown type, bad base64).
    /// </summary>
    public static bool TryParsePayload(ReadOnlyMemory<byte> body, List<EnginePacket> packets)
    {
        while (true)
        {
            int separator = body.Span.IndexOf(RecordSeparator);
            ReadOnlyMemory<byte> record = separator < 0 ? body : body[..separator];
            if (!TryParseRecord(record, out EnginePacket packet))
            {
                return false;
            }

            packets.Add(packet);
            if (separator < 0)
            {
                return true;
            }

            body = body[(separator + 1)..];
        }
    }

    private static bool TryParseRecord(ReadOnlyMemory<byte> record, out EnginePacket packet)
    {
        if (!record.IsEmpty && record.Span[0] == Base64Marker)
        {
            packet = default;
            ReadOnlySpan<byte> base64 = record.Span[1..];
            byte[] decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(base64.Length)];
            if (Base64.DecodeFromUtf8(base64, decoded, out _, out int written) != OperationStatus.Done)
            {
                return false;
            }

            packet = new EnginePacket(EnginePacketType.Message, decoded.AsMemory(0, written), IsBinary: true);
            return true;
        }

        return TryParseText(record, out packet);
    }
}
