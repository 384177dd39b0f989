using System.Buffers;
using System.Text;
using System.Text.Json;
using Fatechat.Protocol.EngineIO;
using Fatechat.Protocol.EngineIO.Transports;
using Fatechat.Protocol.SocketIO;
using Fatechat.Tests.Protocol;

namespace Fatechat.Tests.Fuzz;

/// <summary>
/// What must hold for any input to each decoder: it answers with its documented failure (false, or an error
/// string) and never throws; what it accepts is consistent with its input. Shared by the fuzz properties and the
/// corpus replay.
/// </summary>
internal static class DecoderChecks
{
    public const int MaxAttachments = 10;
    private const string EnginePath = "/socket.io/";

    /// <summary>One Engine.IO packet, as a v4 text frame and as a v3 text or binary frame.</summary>
    public static void EnginePacket(byte[] input)
    {
        if (EnginePacketParser.TryParseText(input, out var packet))
        {
            Assert.That(System.Text.Unicode.Utf8.IsValid(input), "accepted invalid UTF-8");
            Assert.That((byte)packet.Type, Is.InRange((byte)'0', (byte)'6'));
            Assert.That(packet.Data.ToArray(), Is.EqualTo(input[1..]));
        }

        EnginePacketParserV3.TryParseFrame(input, isBinary: false, out _);
        if (EnginePacketParserV3.TryParseFrame(input, isBinary: true, out var binary))
        {
            Assert.That(binary.Data.ToArray(), Is.EqualTo(input[1..]));
        }
    }

    /// <summary>
    /// One Socket.IO packet, then what the server does with an accepted one: attachments counted and placeholders
    /// checked (<see cref="BinaryAttachments"/>), arguments bound as a handler binds them.
    /// </summary>
    public static void SocketIOPacket(byte[] input)
    {
        if (!SocketIOPacketParser.TryParse(input, MaxAttachments, out var packet, out string error))
        {
            Assert.That(error, Is.Not.Empty, "a refusal says why");
            return;
        }

        Assert.That(error, Is.Empty);
        Assert.That((int)packet.Type, Is.InRange(0, 6));
        Assert.That(packet.AckId, Is.GreaterThanOrEqualTo(-1));
        Assert.That(packet.AttachmentCount, Is.InRange(0, MaxAttachments));
        Assert.That(input.AsSpan().EndsWith(packet.Payload.Span), "the payload is the tail of the packet");
        if (packet.Type is SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent)
        {
            Assert.That(packet.EventName, Is.Not.Null);
            Assert.That(SocketIOPacketParser.ReservedEvents, Does.Not.Contain(packet.EventName));
        }

        // The Engine.IO layer hands on only valid UTF-8 text (EnginePacketParser.TryParseText), and what follows
        // relies on it: a property name with a broken sequence would throw when forwarded arguments are re-encoded.
        if (!System.Text.Unicode.Utf8.IsValid(input))
        {
            return;
        }

        for (int i = 0; i < packet.AttachmentCount; i++)
        {
            packet.Attachments.Add([(byte)i]);
        }

        if (packet.IsBinary && !BinaryAttachments.AreValid(packet.Data ?? default, packet.AttachmentCount))
        {
            return;
        }

        var args = packet.Arguments(packet.Type is SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent ? 1 : 0, EncoderOptions.Json);
        BindEveryArgument(args);
        // What an echoing handler does (socket.Emit("message-back", args)): forwarded arguments are re-encoded.
        SocketIOPacketEncoder.EncodeEvent(packet.Namespace, "message-back", [args], -1, EncoderOptions.Json);
    }

    /// <summary>A v4 polling body: split on <c>\x1e</c>, one packet per record when accepted.</summary>
    public static void PollingV4(byte[] input)
    {
        var packets = new List<EnginePacket>();
        if (EnginePacketParser.TryParsePayload(input, packets))
        {
            Assert.That(packets, Has.Count.EqualTo(input.Count(b => b == EnginePacketParser.RecordSeparator) + 1));
        }
    }

    /// <summary>A v3 polling body, text or binary; an accepted text body is one Node's parser would accept too.</summary>
    public static void PollingV3(byte[] input)
    {
        PollingPayloadParserV3.TryParse(input, isBinaryBody: true, new List<EnginePacket>());
        if (PollingPayloadParserV3.TryParse(input, isBinaryBody: false, new List<EnginePacket>()))
        {
            Assert.That(V3TextLengthsAgree(Encoding.UTF8.GetString(input)), "accepted a body whose length prefixes do not match its records");
        }
    }

    /// <summary>
    /// The first bytes of a connection, scanned as the connection door scans them; a head the whole input completes
    /// is incomplete in every shorter prefix, and complete with the same length in every longer one.
    /// </summary>
    public static void RequestHead(byte[] input, int cut)
    {
        var scan = WebSocketRequestHead.TryParse(new ReadOnlySequence<byte>(input), EnginePath, out var head);
        cut = Math.Clamp(cut, 0, input.Length);
        var prefixScan = WebSocketRequestHead.TryParse(Segmented(input[..cut], 7), EnginePath, out var prefixHead);
        if (scan == RequestHeadScan.Complete)
        {
            Assert.That(head!.Length, Is.InRange(4, input.Length));
            Assert.That(prefixScan, Is.EqualTo(cut < head.Length ? RequestHeadScan.Incomplete : RequestHeadScan.Complete), $"prefix of {cut} bytes");
            if (prefixHead is not null)
            {
                Assert.That(prefixHead.Length, Is.EqualTo(head.Length));
            }
        }
        else if (prefixScan == RequestHeadScan.NotOurs)
        {
            Assert.That(scan, Is.EqualTo(RequestHeadScan.NotOurs), "a prefix refused means the whole is refused");
        }
    }

    private static void BindEveryArgument(SocketIOArgs args)
    {
        _ = args.ToString();
        for (int i = 0; i < args.Count; i++)
        {
            _ = args[i];
            _ = args.GetBytes(i);
            Bind<string>(args, i);
            Bind<byte[]>(args, i);
            Bind<long>(args, i);
            Bind<Dictionary<string, JsonElement>>(args, i);
        }
    }

    /// <summary>Binding may refuse a shape with <see cref="JsonException"/>, which handlers turn into an error ack; nothing else.</summary>
    private static void Bind<T>(SocketIOArgs args, int index)
    {
        try
        {
            args.Get<T>(index);
        }
        catch (JsonException)
        {
        }
    }

    /// <summary>Node's parser-v3 <c>decodePayload</c> on a text body: each <c>n:</c> prefix is followed by exactly n UTF-16 units.</summary>
    private static bool V3TextLengthsAgree(string body)
    {
        int at = 0;
        while (at < body.Length)
        {
            int colon = body.IndexOf(':', at);
            if (colon < 0 || !long.TryParse(body.AsSpan(at, colon - at), System.Globalization.NumberStyles.None, null, out long units)
                || units > body.Length - colon - 1)
            {
                return false;
            }

            at = colon + 1 + (int)units;
        }

        return true;
    }

    /// <summary><paramref name="bytes"/> as a sequence of segments of <paramref name="size"/> bytes, as a pipe may hand them over.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes, int size)
    {
        if (bytes.Length <= size)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes.AsMemory(0, size));
        var last = first;
        for (int at = size; at < bytes.Length; at += size)
        {
            last = last.Append(bytes.AsMemory(at, Math.Min(size, bytes.Length - at)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
