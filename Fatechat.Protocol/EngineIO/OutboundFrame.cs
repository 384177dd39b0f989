namespace Fatechat.Protocol.EngineIO;

/// <summary>
/// One outbound Engine.IO packet ready for any transport, queued as a unit. Text frames carry their packet-type
/// digit (<c>42[...]</c>, <c>2</c>, <c>6</c>); binary frames carry raw message bytes. A Socket.IO packet with
/// binary attachments travels as one frame so that no other packet can slip between its parts. A broadcast
/// builds one frame and hands the same bytes to every recipient.
/// </summary>
public readonly record struct OutboundFrame(ReadOnlyMemory<byte> Payload, bool IsBinary, ReadOnlyMemory<byte>[]? Attachments = null)
{
    internal static readonly OutboundFrame Ping = Constant("2");
    internal static readonly OutboundFrame Pong = Constant("3");
    internal static readonly OutboundFrame Noop = Constant("6");
    internal static readonly OutboundFrame Close = Constant("1");
    internal static readonly OutboundFrame ProbePong = Constant("3probe");

    /// <summary>A text frame from UTF-8 bytes that already start with the packet-type digit.</summary>
    public static OutboundFrame Text(ReadOnlyMemory<byte> payload) => new(payload, false);

    /// <summary>A binary message frame.</summary>
    public static OutboundFrame Binary(ReadOnlyMemory<byte> payload) => new(payload, true);

    private static OutboundFrame Constant(string text) => new(System.Text.Encoding.ASCII.GetBytes(text), false);
}
