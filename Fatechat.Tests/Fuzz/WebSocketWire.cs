using System.Buffers.Binary;

namespace Fatechat.Tests.Fuzz;

/// <summary>One client frame as RFC 6455 §5.2 lays it out, with every field free so that a test can bend any of them.</summary>
internal readonly record struct ClientFrame(bool Fin, byte Rsv, byte Opcode, bool Masked, uint Mask, int LengthForm, byte[] Payload, long? ClaimedLength = null)
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    /// <summary>A well-formed masked frame.</summary>
    public static ClientFrame Of(byte opcode, byte[] payload, bool fin = true, uint mask = 0x37fa213d) =>
        new(fin, 0, opcode, true, mask, 0, payload);

    /// <summary>
    /// The frame's bytes. <see cref="LengthForm"/> 0 picks the shortest length encoding, 1 forces 16 bits and 2 forces
    /// 64 bits (both legal for a reader that does not insist on the minimal form); <see cref="ClaimedLength"/> lies.
    /// </summary>
    public byte[] ToBytes()
    {
        long length = ClaimedLength ?? Payload.Length;
        int form = LengthForm != 0 ? LengthForm : length < 126 ? 0 : length <= ushort.MaxValue ? 1 : 2;
        if (form == 0 && length >= 126)
        {
            form = length <= ushort.MaxValue ? 1 : 2;
        }

        var bytes = new List<byte>(Payload.Length + 14)
        {
            (byte)((Fin ? 0x80 : 0) | ((Rsv & 0x7) << 4) | (Opcode & 0x0F)),
        };
        byte maskBit = Masked ? (byte)0x80 : (byte)0;
        Span<byte> extended = stackalloc byte[8];
        switch (form)
        {
            case 0:
                bytes.Add((byte)(maskBit | (byte)length));
                break;
            case 1:
                bytes.Add((byte)(maskBit | 126));
                BinaryPrimitives.WriteUInt16BigEndian(extended, (ushort)length);
                bytes.AddRange(extended[..2].ToArray());
                break;
            default:
                bytes.Add((byte)(maskBit | 127));
                BinaryPrimitives.WriteUInt64BigEndian(extended, (ulong)length);
                bytes.AddRange(extended.ToArray());
                break;
        }

        Span<byte> mask = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(mask, Mask);
        if (Masked)
        {
            bytes.AddRange(mask.ToArray());
        }

        for (int i = 0; i < Payload.Length; i++)
        {
            bytes.Add(Masked ? (byte)(Payload[i] ^ mask[i & 3]) : Payload[i]);
        }

        return bytes.ToArray();
    }

    /// <summary>
    /// <paramref name="message"/> as <paramref name="pieces"/> frames (a data frame, then continuations), with a ping
    /// after the first when <paramref name="pingBetween"/>: control frames may come between fragments (§5.4).
    /// </summary>
    public static IEnumerable<ClientFrame> Fragmented(byte opcode, byte[] message, int pieces, bool pingBetween, uint mask)
    {
        pieces = Math.Clamp(pieces, 1, Math.Max(1, message.Length));
        int size = (message.Length + pieces - 1) / pieces;
        for (int i = 0; i < pieces; i++)
        {
            int start = Math.Min(message.Length, i * size);
            int end = i == pieces - 1 ? message.Length : Math.Min(message.Length, start + size);
            yield return new ClientFrame(i == pieces - 1, 0, i == 0 ? opcode : Continuation, true, mask + (uint)i, 0, message[start..end]);
            if (i == 0 && pingBetween && pieces > 1)
            {
                yield return Of(Ping, "p"u8.ToArray(), mask: mask ^ 0xffffffff);
            }
        }
    }
}
