using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>
/// Engine.IO v3 polling bodies (socket.io-client 2.x), as Node's parser-v3 <c>encodePayload</c> writes them:
/// <list type="bullet">
/// <item>text: each packet as <c>&lt;length&gt;:&lt;packet&gt;</c>, the length counted in UTF-16 code units (JavaScript's
/// <c>string.length</c>), binary as <c>b4</c> + base64;</item>
/// <item>binary, when the client supports it and a packet is binary: each packet as a kind byte (0 text, 1 binary),
/// the length's decimal digits as byte values, 255, then the UTF-8 text or the type byte 4 and the data.</item>
/// </list>
/// Packets are collected first because the body's form depends on all of them.
/// </summary>
internal sealed class PollingPayloadWriterV3(bool supportsBinary) : PollingPayloadWriter
{
    private const byte MessageType = (byte)'4' - (byte)'0';
    private readonly List<(ReadOnlyMemory<byte> Packet, bool IsBinary)> _packets = new(4);
    private bool _hasBinary;

    public override bool IsEmpty => _packets.Count == 0;

    public override void Add(ReadOnlyMemory<byte> packet, bool isBinary)
    {
        _packets.Add((packet, isBinary));
        _hasBinary |= isBinary;
    }

    public override (ReadOnlyMemory<byte> Body, string ContentType) Finish()
    {
        var body = new ArrayBufferWriter<byte>(256);
        if (supportsBinary && _hasBinary)
        {
            foreach (var (packet, isBinary) in _packets)
            {
                WriteBinaryRecord(body, packet.Span, isBinary);
            }

            return (body.WrittenMemory, "application/octet-stream");
        }

        foreach (var (packet, isBinary) in _packets)
        {
            WriteTextRecord(body, packet.Span, isBinary);
        }

        return (body.WrittenMemory, TextContentType);
    }

    private static void WriteTextRecord(ArrayBufferWriter<byte> body, ReadOnlySpan<byte> packet, bool isBinary)
    {
        if (isBinary)
        {
            int encodedLength = Base64.GetMaxEncodedToUtf8Length(packet.Length);
            WriteAscii(body, $"{2 + encodedLength}:b4");
            Span<byte> target = body.GetSpan(encodedLength);
            Base64.EncodeToUtf8(packet, target, out _, out int written);
            body.Advance(written);
            return;
        }

        WriteAscii(body, $"{Encoding.UTF8.GetCharCount(packet)}:");
        body.Write(packet);
    }

    private static void WriteBinaryRecord(ArrayBufferWriter<byte> body, ReadOnlySpan<byte> packet, bool isBinary)
    {
        int length = isBinary ? packet.Length + 1 : packet.Length;
        string digits = length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Span<byte> header = body.GetSpan(digits.Length + 3);
        header[0] = isBinary ? (byte)1 : (byte)0;
        for (int i = 0; i < digits.Length; i++)
        {
            header[1 + i] = (byte)(digits[i] - '0');
        }

        header[1 + digits.Length] = 255;
        int headerLength = digits.Length + 2;
        if (isBinary)
        {
            header[headerLength++] = MessageType;
        }

        body.Advance(headerLength);
        body.Write(packet);
    }

    private static void WriteAscii(ArrayBufferWriter<byte> body, string text)
    {
        int written = Encoding.ASCII.GetBytes(text, body.GetSpan(text.Length));
        body.Advance(written);
    }
}
