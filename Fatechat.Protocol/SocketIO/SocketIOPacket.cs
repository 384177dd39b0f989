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
    /// <summary>The JSON payload, if the packet has one.</summary>
    public JsonElement? Data { get; init; }
    public int AttachmentCount { get; init; }
    public List<byte[]> Attachments { get; } = new();

    public bool IsBinary => Type is SocketIOPacketType.BinaryEvent or SocketIOPacketType.BinaryAck;
    public bool HasAllAttachments => Attachments.Count >= AttachmentCount;
}
