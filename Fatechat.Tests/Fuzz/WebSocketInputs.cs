using System.Text;
using CsCheck;

namespace Fatechat.Tests.Fuzz;

/// <summary>A message as the reader should deliver it.</summary>
internal sealed record WireMessage(bool IsBinary, byte[] Data)
{
    public bool Equals(WireMessage? other) => other is not null && IsBinary == other.IsBinary && Data.AsSpan().SequenceEqual(other.Data);

    public override int GetHashCode() => HashCode.Combine(IsBinary, Data.Length);

    public override string ToString() => IsBinary ? $"binary {Convert.ToHexString(Data)}" : $"text {Encoding.UTF8.GetString(Data)}";
}

/// <summary>Client byte streams after a WebSocket handshake, and the cuts at which they reach the server.</summary>
internal static class WebSocketInputs
{
    private static readonly Gen<WireMessage> Message = Gen.Frequency(
        (4, FuzzInputs.EnginePacket.Select(p => new WireMessage(false, Encoding.UTF8.GetBytes(p)))),
        (1, Gen.Byte.Array[0, 40].Select(b => new WireMessage(true, b))),
        (1, Gen.Int[100, 70_000].Select(n => new WireMessage(false, Encoding.UTF8.GetBytes("4" + new string('x', n - 1))))));

    /// <summary>Messages, each sent as one to four fragments with a ping maybe between them: the reader must return each whole.</summary>
    public static readonly Gen<(WireMessage[] Messages, byte[] Bytes)> WellFormed = Gen.Select(
        Message.Array[1, 6], Gen.Int[1, 4].Array[6], Gen.Bool.Array[6], Gen.UInt,
        (messages, pieces, pings, mask) =>
        {
            var bytes = new List<byte>();
            for (int i = 0; i < messages.Length; i++)
            {
                byte opcode = messages[i].IsBinary ? ClientFrame.Binary : ClientFrame.Text;
                foreach (var frame in ClientFrame.Fragmented(opcode, messages[i].Data, pieces[i], pings[i], mask + (uint)(i * 7919)))
                {
                    bytes.AddRange(frame.ToBytes());
                }
            }

            return (messages, bytes.ToArray());
        });

    /// <summary>A frame with any field bent: reserved bits, no mask, unknown opcodes, long control frames, lying lengths.</summary>
    private static readonly Gen<ClientFrame> BentFrame = Gen.Select(
        Gen.Frequency((6, Gen.Const(true)), (1, Gen.Const(false))),
        Gen.Frequency((8, Gen.Const((byte)0)), (1, Gen.Byte[1, 7])),
        Gen.Frequency((6, Gen.OneOf(Gen.Const(ClientFrame.Text), Gen.Const(ClientFrame.Binary), Gen.Const(ClientFrame.Ping))), (2, Gen.Byte[0, 15])),
        Gen.Frequency((10, Gen.Const(true)), (1, Gen.Const(false))),
        Gen.Int[0, 2],
        Gen.Frequency((6, Message.Select(m => m.Data)), (1, Gen.Byte.Array[126, 200])),
        Gen.Frequency((10, Gen.Const((long?)null)), (1, Gen.OneOf(Gen.Const<long?>(0), Gen.Const<long?>(1), Gen.Const<long?>(1_000_001), Gen.Const<long?>(long.MaxValue), Gen.Const<long?>(-1)))),
        Gen.UInt,
        (fin, rsv, opcode, masked, form, payload, claimed, mask) => new ClientFrame(fin, rsv, opcode, masked, mask, form, payload, claimed));

    /// <summary>Bent frames back to back, then mutated as bytes.</summary>
    public static readonly Gen<byte[]> Hostile = FuzzInputs.Mutated(
        BentFrame.Array[1, 6].Select(frames => frames.SelectMany(f => f.ToBytes()).ToArray()));

    /// <summary>Where a stream is cut into writes: fractions of its length, sorted by the user.</summary>
    public static readonly Gen<double[]> Cuts = Gen.Frequency(
        (2, Gen.Const(Array.Empty<double>())),
        (4, Gen.Double[0, 1].Array[1, 8]),
        (1, Gen.Double[0, 1].Array[20, 60]));

    /// <summary><paramref name="bytes"/> in the chunks that <paramref name="cuts"/> make.</summary>
    public static List<byte[]> Split(byte[] bytes, double[] cuts)
    {
        var points = cuts.Select(c => (int)(c * bytes.Length)).Append(0).Append(bytes.Length).Distinct().Order().ToArray();
        var chunks = new List<byte[]>(points.Length);
        for (int i = 1; i < points.Length; i++)
        {
            chunks.Add(bytes[points[i - 1]..points[i]]);
        }

        return chunks;
    }
}
