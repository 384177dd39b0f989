namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>
/// Decodes Engine.IO v3 POST bodies (Node's parser-v3 <c>decodePayload</c>): <c>&lt;length&gt;:&lt;packet&gt;</c> records
/// in a text body, the length in UTF-16 code units, binary as <c>b</c> + type digit + base64; or, in an
/// <c>application/octet-stream</c> body, records of a kind byte (0 text, 1 binary), the length's digits as byte
/// values and 255. Unlike Node, a length that runs past the body is an error, not a short read. Never throws.
/// </summary>
internal static class PollingPayloadParserV3
{
    private const int MaxLengthDigits = 10;

    public static bool TryParse(ReadOnlyMemory<byte> body, bool isBinaryBody, List<EnginePacket> packets) =>
        isBinaryBody ? TryParseBinary(body, packets) : TryParseText(body, packets);

    private static bool TryParseText(ReadOnlyMemory<byte> body, List<EnginePacket> packets)
    {
        if (body.IsEmpty || !System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            return false;
        }

        while (!body.IsEmpty)
        {
            int colon = body.Span.IndexOf((byte)':');
            if (colon is <= 0 or > MaxLengthDigits || !TryParseDigits(body.Span[..colon], out int units))
            {
                return false;
            }

            body = body[(colon + 1)..];
            if (!TryTakeUtf16Units(body.Span, units, out int bytes))
            {
                return false;
            }

            if (bytes > 0 && !TryDecodeTextPacket(body[..bytes], packets))
            {
                return false;
            }

            body = body[bytes..];
        }

        return true;
    }

    private static bool TryParseBinary(ReadOnlyMemory<byte> body, List<EnginePacket> packets)
    {
        if (body.IsEmpty)
        {
            return false;
        }

        while (!body.IsEmpty)
        {
            ReadOnlySpan<byte> span = body.Span;
            bool isText = span[0] == 0;
            if (span[0] > 1)
            {
                return false;
            }

            int end = span[1..].IndexOf((byte)255);
            if (end is <= 0 or > MaxLengthDigits)
            {
                return false;
            }

            long length = 0;
            foreach (byte digit in span.Slice(1, end))
            {
                if (digit > 9)
                {
                    return false;
                }

                length = length * 10 + digit;
            }

            int start = end + 2;
            if (length == 0 || length > span.Length - start)
            {
                return false;
            }

            ReadOnlyMemory<byte> record = body.Slice(start, (int)length);
            bool parsed = isText
                ? EnginePacketParser.TryParseText(record, out EnginePacket packet)
                : EnginePacketParserV3.TryParseBinary(record, out packet);
            if (!parsed)
            {
                return false;
            }

            packets.Add(packet);

            body = body[(start + (int)length)..];
        }

        return true;
    }

    private static bool TryDecodeTextPacket(ReadOnlyMemory<byte> record, List<EnginePacket> packets)
    {
        bool parsed = record.Span[0] == (byte)'b'
            ? EnginePacketParserV3.TryParseBase64(record.Span, out EnginePacket packet)
            : EnginePacketParser.TryParseText(record, out packet);
        if (parsed)
        {
            packets.Add(packet);
        }

        return parsed;
    }

    /// <summary>Up to ten digits: counted in a long, so that a length past int.MaxValue is refused rather than wrapped (4294967296 is not 0).</summary>
    private static bool TryParseDigits(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        long total = 0;
        foreach (byte digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            total = total * 10 + (digit - '0');
        }

        if (total > int.MaxValue)
        {
            return false;
        }

        value = (int)total;
        return true;
    }

    /// <summary>How many bytes of valid UTF-8 hold <paramref name="units"/> UTF-16 code units; false past the end or mid-character.</summary>
    internal static bool TryTakeUtf16Units(ReadOnlySpan<byte> utf8, int units, out int bytes)
    {
        bytes = 0;
        while (units > 0)
        {
            if (bytes >= utf8.Length)
            {
                return false;
            }

            byte lead = utf8[bytes];
            (int size, int count) = lead switch
            {
                < 0x80 => (1, 1),
                < 0xE0 => (2, 1),
                < 0xF0 => (3, 1),
                _ => (4, 2), // outside the BMP: a surrogate pair in JavaScript
            };

            if (count > units)
            {
                return false;
            }

            bytes += size;
            units -= count;
        }

        return bytes <= utf8.Length;
    }
}
