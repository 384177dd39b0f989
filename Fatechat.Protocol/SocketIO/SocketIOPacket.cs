using System.Text.Json;

namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// One decoded inbound Socket.IO packet. For a binary packet, <see cref="Attachments"/> fills up as the binary
/// frames arrive, until it holds <see cref="AttachmentCount"/> of them.
/// </summary>
public sealed class SocketIOPacket
{
    public const string MainNamespace = "/";

    public SocketIOPacketType Type { get; init; }
    public string Namespace { get; init; } = MainNamespace;
    /// <summary>The ack id, or -1 when the sender expects no acknowledgement.</summary>
    public long AckId { get; init; } = -1;

    /// <summary>The JSON payload's bytes as received; empty when the packet has none.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>The JSON payload as a DOM, parsed on each access: for the rare packets that need one (CONNECT, binary).</summary>
    public JsonElement? Data => Payload.IsEmpty ? null : JsonSerializer.Deserialize<JsonElement>(Payload.Span);

    /// <summary>The event name of an EVENT packet.</summary>
    public string? EventName { get; init; }

    public int AttachmentCount { get; init; }
    public List<byte[]> Attachments { get; } = new();

    public bool IsBinary => Type is SocketIOPacketType.BinaryEvent or SocketIOPacketType.BinaryAck;
    public bool HasAllAttachments => Attachments.Count >= AttachmentCount;

    /// <summary>For EVENT and ACK packets: where each element of the payload array lies in <see cref="Payload"/>.</summary>
    internal Range[]? Elements { get; init; }

    /// <summary>The arguments from element <paramref name="offset"/> on (1 for an event: after its name).</summary>
    internal SocketIOArgs Arguments(int offset, JsonSerializerOptions options) => new(Payload, Elements ?? [], offset, Attachments, options);
}
