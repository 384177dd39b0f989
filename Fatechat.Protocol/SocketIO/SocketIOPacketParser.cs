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

        JsonElement? data = null;
        if (i < text.Length)
        {
            try
            {
                data = JsonSerializer.Deserialize<JsonElement>(text[i..]);
            }
            catch (JsonException)
            {
                error = "invalid JSON payload";
                return false;
            }
        }

        if (!IsPayloadValid(type, data, ackId, out error))
        {
            return false;
        }

        packet = new SocketIOPacket { Type = type, Namespace = nsp, AckId = ackId, Data = data, AttachmentCount = attachments };
        return true;
    }

    private static bool IsPayloadValid(SocketIOPacketType type, JsonElement? data, long ackId, out string error)
    {
        error = "";
        switch (type)
        {
            case SocketIOPacketType.Connect:
                if (data is { ValueKind: not JsonValueKind.Object })
                {
                    error = "CONNECT payload must be an object";
                }

                break;
            case SocketIOPacketType.Disconnect:
                if (data is not null)
                {
                    error = "DISCONNECT takes no payload";
                }

                break;
            case SocketIOPacketType.ConnectError:
                if (data is not { ValueKind: JsonValueKind.Object or JsonValueKind.String })
                {
                    error = "CONNECT_ERROR payload must be an object or a string";
                }

                break;
            case SocketIOPacketType.Event:
            case SocketIOPacketType.BinaryEvent:
                if (data is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() == 0)
                {
                    error = "EVENT payload must be a non-empty array";
                }
                else if (array[0].ValueKind != JsonValueKind.String && array[0].ValueKind != JsonValueKind.Number)
                {
                    error = "event name must be a string";
                }
                else if (array[0].ValueKind == JsonValueKind.String && ReservedEvents.Contains(array[0].GetString()!))
                {
                    error = "reserved event name";
                }

                break;
            case SocketIOPacketType.Ack:
            case SocketIOPacketType.BinaryAck:
                if (data is not { ValueKind: JsonValueKind.Array })
                {
                    error = "ACK payload must be an array";
                }
                else if (ackId < 0)
                {
                    error = "bad ack id";
                }

                break;
        }

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
