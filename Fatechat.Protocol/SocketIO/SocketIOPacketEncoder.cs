using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Fatechat.Protocol.EngineIO;

namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// Encodes outbound Socket.IO packets straight into Engine.IO message frames (<c>4</c> + packet). The JSON is
/// written through a reused per-thread writer, so an encode allocates only the frame it returns; a broadcast
/// encodes once and shares that frame with every recipient.
/// </summary>
internal static class SocketIOPacketEncoder
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Like JSON.stringify: UTF-8 as is, no HTML-escaping (the payload is parsed as JSON, never put in HTML).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_json;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;
    [ThreadStatic] private static List<ReadOnlyMemory<byte>>? t_attachments;

    public static OutboundFrame EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long ackId, JsonSerializerOptions json) =>
        Encode(SocketIOPacketType.Event, nsp, ackId, eventName, args, json);

    public static OutboundFrame EncodeAck(string nsp, long ackId, ReadOnlySpan<object?> args, JsonSerializerOptions json) =>
        Encode(SocketIOPacketType.Ack, nsp, ackId, null, args, json);

    public static OutboundFrame EncodeConnect(string nsp, string sid, string? pid = null)
    {
        var json = new ArrayBufferWriter<byte>(48);
        using (var writer = new Utf8JsonWriter(json, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("sid", sid);
            if (pid is not null)
            {
                writer.WriteString("pid", pid);
            }

            writer.WriteEndObject();
        }

        return Frame(SocketIOPacketType.Connect, nsp, -1, 0, json.WrittenSpan);
    }

    public static OutboundFrame EncodeConnectError(string nsp, string message, object? data, JsonSerializerOptions options)
    {
        var json = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(json, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("message", message);
            if (data is not null)
            {
                writer.WritePropertyName("data");
                JsonSerializer.Serialize(writer, data, data.GetType(), options);
            }

            writer.WriteEndObject();
        }

        return Frame(SocketIOPacketType.ConnectError, nsp, -1, 0, json.WrittenSpan);
    }

    /// <summary>Protocol v4 (Engine.IO v3 clients): CONNECT carries no payload.</summary>
    public static OutboundFrame EncodeConnectV4(string nsp) => Frame(SocketIOPacketType.Connect, nsp, -1, 0, default);

    /// <summary>Protocol v4: the error is one JSON value, the data when there is any, else the message (Node's <c>err.data || err.message</c>).</summary>
    public static OutboundFrame EncodeConnectErrorV4(string nsp, string message, object? data, JsonSerializerOptions options)
    {
        byte[] json = data is not null
            ? JsonSerializer.SerializeToUtf8Bytes(data, data.GetType(), options)
            : JsonSerializer.SerializeToUtf8Bytes(message, options);
        return Frame(SocketIOPacketType.ConnectError, nsp, -1, 0, json);
    }

    public static OutboundFrame EncodeDisconnect(string nsp) => Frame(SocketIOPacketType.Disconnect, nsp, -1, 0, default);

    private static OutboundFrame Encode(SocketIOPacketType type, string nsp, long ackId, string? eventName, ReadOnlySpan<object?> args, JsonSerializerOptions options)
    {
        var json = t_json ??= new ArrayBufferWriter<byte>(512);
        var attachments = t_attachments ??= new List<ReadOnlyMemory<byte>>();
        json.ResetWrittenCount();
        attachments.Clear();
        var writer = t_writer ??= new Utf8JsonWriter(json, WriterOptions);
        writer.Reset(json);

        BinaryAttachments.BeginCollecting(attachments);
        try
        {
            writer.WriteStartArray();
            if (eventName is not null)
            {
                writer.WriteStringValue(eventName);
            }

            foreach (object? arg in args)
            {
                WriteArgument(writer, arg, options, attachments);
            }

            writer.WriteEndArray();
            writer.Flush();
        }
        finally
        {
            BinaryAttachments.EndCollecting();
        }

        if (attachments.Count > 0)
        {
            type = type == SocketIOPacketType.Event ? SocketIOPacketType.BinaryEvent : SocketIOPacketType.BinaryAck;
            var frame = Frame(type, nsp, ackId, attachments.Count, json.WrittenSpan);
            return frame with { Attachments = attachments.ToArray() };
        }

        return Frame(type, nsp, ackId, 0, json.WrittenSpan);
    }

    private static void WriteArgument(Utf8JsonWriter writer, object? arg, JsonSerializerOptions options, List<ReadOnlyMemory<byte>> attachments)
    {
        switch (arg)
        {
            case null:
                writer.WriteNullValue();
                break;
            case SocketIOArgs forwarded:
                // Re-emitting received arguments: copy the JSON as received, or with placeholders renumbered into
                // this packet when it carries binary.
                for (int i = 0; i < forwarded.Count; i++)
                {
                    if (forwarded.Attachments.Count == 0)
                    {
                        writer.WriteRawValue(forwarded.Raw(i), skipInputValidation: true);
                    }
                    else
                    {
                        WriteElement(writer, forwarded[i], forwarded.Attachments, attachments);
                    }
                }

                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            default:
                JsonSerializer.Serialize(writer, arg, arg.GetType(), options);
                break;
        }
    }

    private static void WriteElement(Utf8JsonWriter writer, JsonElement element, IReadOnlyList<byte[]> source, List<ReadOnlyMemory<byte>> target)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object when BinaryAttachments.IsPlaceholder(element)
                                           && BinaryAttachments.TryGetIndex(element, source.Count, out int index):
                writer.WriteStartObject();
                writer.WriteBoolean("_placeholder", true);
                writer.WriteNumber("num", target.Count);
                writer.WriteEndObject();
                target.Add(source[index]);
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    WriteElement(writer, property.Value, source, target);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (JsonElement item in element.EnumerateArray())
                {
                    WriteElement(writer, item, source, target);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>Builds <c>4&lt;type&gt;[n-][/nsp,][id]&lt;json&gt;</c> in one exactly sized array.</summary>
    private static OutboundFrame Frame(SocketIOPacketType type, string nsp, long ackId, int attachmentCount, ReadOnlySpan<byte> json)
    {
        bool customNamespace = nsp != SocketIOPacket.MainNamespace;
        int length = 2 + json.Length
            + (attachmentCount > 0 ? CountDigits(attachmentCount) + 1 : 0)
            + (customNamespace ? Encoding.UTF8.GetByteCount(nsp) + 1 : 0)
            + (ackId >= 0 ? CountDigits(ackId) : 0);
        byte[] frame = new byte[length];
        Span<byte> span = frame;
        span[0] = (byte)EnginePacketType.Message;
        span[1] = (byte)('0' + (int)type);
        int at = 2;
        if (attachmentCount > 0)
        {
            Utf8Formatter.TryFormat(attachmentCount, span[at..], out int written);
            at += written;
            span[at++] = (byte)'-';
        }

        if (customNamespace)
        {
            at += Encoding.UTF8.GetBytes(nsp, span[at..]);
            span[at++] = (byte)',';
        }

        if (ackId >= 0)
        {
            Utf8Formatter.TryFormat(ackId, span[at..], out int written);
            at += written;
        }

        json.CopyTo(span[at..]);
        return OutboundFrame.Text(frame);
    }

    private static int CountDigits(long value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }
}
