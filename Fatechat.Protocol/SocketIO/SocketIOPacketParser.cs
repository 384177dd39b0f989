using System.Text.Json;

namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// Decodes the text part of a Socket.IO v5 packet:
/// <c>&lt;type&gt;[&lt;attachments&gt;-][&lt;namespace&gt;,][&lt;ack id&gt;][&lt;JSON payload&gt;]</c>
/// (https://github.com/socketio/socket.io-protocol#packet-encoding). It validates the payload as Node's
/// socket.io-parser does (<c>isPayloadValid</c>) and never throws on input; binary placeholders are checked
/// once the attachments have arrived (<see cref="BinaryAttachments"/>).
/// </summary>
public static class SocketIOPacketParser
{
    /// <summary>
    /// Event names a client may not emit: those the Node server reserves for itself, and <c>error</c>, which
    /// older servers dispatched to their own error handling (a client-triggered crash).
    /// </summary>
    public static readonly IReadOnlySet<string> ReservedEvents = new HashSet<string>(StringComparer.Ordinal)
    {
        "connect", "connect_error", "disconnect", "disconnecting", "error", "newListener", "removeListener",
    };

    private const int MaxAckIdDigits = 15;

    public static bool TryParse(ReadOnlySpan<byte> text, int maxAttachments, out SocketIOPacket packet, out string error)
    {
        packet = null!;
        error = "";
        if (text.IsEmpty || text[0] < '0' || text[0] > '6')
        {
            error = "unknown packet type";
            return false;
        }

        var type = (SocketIOPacketType)(text[0] - '0');
        int i = 1;
        int attachments = 0;
        if (type is SocketIOPacketType.BinaryEvent or SocketIOPacketType.BinaryAck)
        {
            int dash = text[i..].IndexOf((byte)'-');
            if (dash <= 0 || dash > 4 || !TryParseDigits(text.Slice(i, dash), out long count) || count > maxAttachments)
            {
                error = "illegal attachments";
                return false;
            }

            attachments = (int)count;
            i += dash + 1;
        }

        string nsp = SocketIOPacket.MainNamespace;
        if (i < text.Length && text[i] == '/')
        {
            int comma = text[i..].IndexOf((byte)',');
            int end = comma < 0 ? text.Length : i + comma;
            nsp = System.Text.Encoding.UTF8.GetString(text[i..end]);
            i = comma < 0 ? end : end + 1;
        }

        long ackId = -1;
        int digits = 0;
        while (i + digits < text.Length && IsDigit(text[i + digits]))
        {
            digits++;
        }

        if (digits > 0)
        {
            if (digits > MaxAckIdDigits || !TryParseDigits(text.Slice(i, digits), out ackId))
            {
                error = "bad ack id";
                return false;
            }

            i += digits;
        }

        if (type is SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck && ackId < 0)
        {
            error = "bad ack id";
            return false;
        }

        ReadOnlySpan<byte> json = text[i..];
        if (!TryReadPayload(type, json, out Range[]? elements, out string? eventName, out error))
        {
            return false;
        }

        packet = new SocketIOPacket
        {
            Type = type,
            Namespace = nsp,
            AckId = ackId,
            // Copied: the frame's buffer goes back to its pool once this packet is dispatched, the handler runs later.
            Payload = json.ToArray(),
            Elements = elements,
            EventName = eventName,
            AttachmentCount = attachments,
        };
        return true;
    }

    /// <summary>
    /// Checks the payload as Node's <c>isPayloadValid</c> does, in one pass of a validating reader and without a
    /// DOM: an EVENT's or ACK's array is split into its elements, which handlers later bind straight from these
    /// bytes (see <see cref="SocketIOArgs"/>).
    /// </summary>
    private static bool TryReadPayload(SocketIOPacketType type, ReadOnlySpan<byte> json, out Range[]? elements, out string? eventName, out string error)
    {
        elements = null;
        eventName = null;
        error = "";
        var reader = new Utf8JsonReader(json);
        string shapeError = "";
        try
        {
            // An empty payload is no payload (Utf8JsonReader would call it invalid JSON).
            bool present = !json.IsEmpty && reader.Read();
            bool isArray = present && reader.TokenType == JsonTokenType.StartArray;
            switch (type)
            {
                case SocketIOPacketType.Connect when present && reader.TokenType != JsonTokenType.StartObject:
                    shapeError = "CONNECT payload must be an object";
                    break;
                case SocketIOPacketType.Disconnect when present:
                    shapeError = "DISCONNECT takes no payload";
                    break;
                case SocketIOPacketType.ConnectError when !present || reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.String):
                    shapeError = "CONNECT_ERROR payload must be an object or a string";
                    break;
                case SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent when isArray:
                    elements = ReadElements(ref reader, json, out eventName);
                    IsEventName(elements, eventName, out shapeError);
                    break;
                case SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent:
                    shapeError = "EVENT payload must be a non-empty array";
                    break;
                case SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck when isArray:
                    elements = ReadElements(ref reader, json, out _);
                    break;
                case SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck:
                    shapeError = "ACK payload must be an array";
                    break;
            }

            // The whole payload is read even when its shape is wrong: invalid JSON is reported first, as a parser
            // that builds the value before looking at it would.
            if (present)
            {
                if (elements is null)
                {
                    SkipValue(ref reader);
                }

                // One JSON value and nothing after it.
                if (reader.Read())
                {
                    error = "invalid JSON payload";
                    return false;
                }
            }
        }
        catch (JsonException)
        {
            error = "invalid JSON payload";
            return false;
        }
        catch (InvalidOperationException)
        {
            // A string that cannot become UTF-16, such as an escaped lone surrogate (see SkipValue).
            error = "invalid string in payload";
            return false;
        }

        error = shapeError;
        return error.Length == 0;
    }

    /// <summary>
    /// From the array's start token: reads each element, recording where it lies, and leaves the reader on the
    /// array's end. The first element's text is read as the event name when it is a string or a number.
    /// </summary>
    private static Range[] ReadElements(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, out string? first)
    {
        first = null;
        var elements = new List<Range>(4);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int start = (int)reader.TokenStartIndex;
            if (elements.Count == 0)
            {
                first = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed]),
                    _ => null,
                };
            }

            SkipValue(ref reader);
            elements.Add(new Range(start, (int)reader.BytesConsumed));
        }

        return elements.ToArray();
    }

    /// <summary>
    /// Skips the value at the reader, as <see cref="Utf8JsonReader.Skip"/> does, and decodes each escaped string or
    /// property name in it on the way. JSON allows an escaped lone surrogate (<c>"\ud800"</c>), which no .NET string
    /// can hold: refused here (InvalidOperationException), it never reaches a handler's binding, the re-encoding of
    /// forwarded arguments or a log line, each of which would throw on it. Unescaped strings cost nothing extra.
    /// </summary>
    private static void SkipValue(ref Utf8JsonReader reader)
    {
        int depth = reader.CurrentDepth;
        bool container = reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray;
        DecodeIfEscaped(ref reader);
        // A container's own end token is back at its depth; everything inside is deeper.
        while (container && reader.Read() && reader.CurrentDepth > depth)
        {
            DecodeIfEscaped(ref reader);
        }
    }

    private static void DecodeIfEscaped(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped && reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
        {
            _ = reader.GetString();
        }
    }

    private static bool IsEventName(Range[] elements, string? eventName, out string error)
    {
        error = elements.Length == 0 ? "EVENT payload must be a non-empty array"
            : eventName is null ? "event name must be a string"
            : ReservedEvents.Contains(eventName) ? "reserved event name"
            : "";
        return error.Length == 0;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static bool TryParseDigits(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > MaxAckIdDigits)
        {
            return false;
        }

        foreach (byte b in digits)
        {
            if (!IsDigit(b))
            {
                return false;
            }

            value = value * 10 + (b - '0');
        }

        return true;
    }
}
