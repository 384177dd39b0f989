using System.Buffers;
using System.Buffers.Text;

namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>
/// Builds one long-polling response body from the packets a GET carries, in the session's protocol revision:
/// v4 joins them with <c>\x1e</c>, binary as <c>b</c> + base64 (https://github.com/socketio/engine.io-protocol);
/// v3 frames each with its length (<see cref="PollingPayloadWriterV3"/>).
/// </summary>
internal abstract class PollingPayloadWriter
{
    public const string TextContentType = "text/plain; charset=UTF-8";

    public static PollingPayloadWriter For(EngineConnection connection) =>
        connection.Protocol == 3 ? new PollingPayloadWriterV3(connection.SupportsBinary) : new PollingPayloadWriterV4();

    /// <summary>True until a packet has been added.</summary>
    public abstract bool IsEmpty { get; }

    /// <summary>Adds one packet: text starting with its type digit, or the bytes of a binary message.</summary>
    /// <remarks>The memory must stay unchanged until <see cref="Finish"/>.</remarks>
    public abstract void Add(ReadOnlyMemory<byte> packet, bool isBinary);

    /// <summary>The body and its content type.</summary>
    public abstract (ReadOnlyMemory<byte> Body, string ContentType) Finish();
}

internal sealed class PollingPayloadWriterV4 : PollingPayloadWriter
{
    private readonly ArrayBufferWriter<byte> _payload = new(256);

    public override bool IsEmpty => _payload.WrittenCount == 0;

    public override void Add(ReadOnlyMemory<byte> packet, bool isBinary)
    {
        if (!IsEmpty)
        {
            _payload.GetSpan(1)[0] = EnginePacketParser.RecordSeparator;
            _payload.Advance(1);
        }

        if (!isBinary)
        {
            _payload.Write(packet.Span);
            return;
        }

        Span<byte> target = _payload.GetSpan(1 + Base64.GetMaxEncodedToUtf8Length(packet.Length));
        target[0] = (byte)'b';
        Base64.EncodeToUtf8(packet.Span, target[1..], out _, out int written);
        _payload.Advance(1 + written);
    }

    public override (ReadOnlyMemory<byte> Body, string ContentType) Finish() => (_payload.WrittenMemory, TextContentType);
}
