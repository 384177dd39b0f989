using System.Buffers.Text;
using System.Text;
using CsCheck;

namespace Fatechat.Tests.Fuzz;

/// <summary>
/// Polling POST bodies, near-valid: v4 packets joined by <c>\x1e</c> with base64 <c>b</c> records, v3
/// <c>length:packet</c> text bodies (lengths right, off by one or overflowing) and v3 binary bodies (kind byte,
/// length digits as byte values, 255).
/// </summary>
internal static class PollingInputs
{
    private static readonly Gen<byte[]> Bytes = Gen.Byte.Array[0, 16];

    private static readonly Gen<string> Base64Record = Gen.Select(Bytes, Gen.Int[0, 5], (data, damage) =>
    {
        string base64 = Convert.ToBase64String(data);
        return damage switch
        {
            0 when base64.Length > 0 => base64[..^1], // bad padding
            1 => base64 + "!",
            _ => base64,
        };
    });

    /// <summary>A v4 body: packets joined by the record separator.</summary>
    public static readonly Gen<byte[]> V4 = FuzzInputs.Mutated(
        Gen.Frequency((6, FuzzInputs.EnginePacket), (1, Base64Record.Select(b => "b" + b)), (1, Gen.Const("")))
            .Array[1, 5]
            .Select(records => string.Join('\u001e', records)));

    /// <summary>A v3 text body: <c>length:packet</c> records, the length in UTF-16 code units.</summary>
    public static readonly Gen<byte[]> V3Text = FuzzInputs.Mutated(
        Gen.Select(
            Gen.Frequency((6, FuzzInputs.EnginePacket), (1, Base64Record.Select(b => "b4" + b))),
            Gen.Frequency((8, Gen.Const(0)), (1, Gen.Int[-2, 2])),
            Gen.Frequency((12, Gen.Const("")), (1, Gen.OneOf(Gen.Const("2147483648"), Gen.Const("4294967296"), Gen.Const("9999999999"), Gen.Const("")))),
            (packet, skew, overflow) => (overflow.Length > 0 ? overflow : (packet.Length + skew).ToString(System.Globalization.CultureInfo.InvariantCulture)) + ":" + packet)
            .Array[1, 4]
            .Select(records => string.Concat(records)));

    /// <summary>A v3 binary body (<c>application/octet-stream</c>).</summary>
    public static readonly Gen<byte[]> V3Binary = FuzzInputs.Mutated(
        Gen.Select(
            Gen.Frequency((3, FuzzInputs.EnginePacket.Select(p => (IsBinary: false, Data: Encoding.UTF8.GetBytes(p)))), (2, Bytes.Select(b => (IsBinary: true, Data: (byte[])[4, .. b])))),
            Gen.Frequency((8, Gen.Const(0)), (1, Gen.Int[-2, 2])),
            (record, skew) => Record(record.IsBinary, record.Data, record.Data.Length + skew))
            .Array[1, 4]
            .Select(records => records.SelectMany(r => r).ToArray()));

    private static byte[] Record(bool isBinary, byte[] data, int length)
    {
        var record = new List<byte> { isBinary ? (byte)1 : (byte)0 };
        record.AddRange(Math.Max(0, length).ToString(System.Globalization.CultureInfo.InvariantCulture).Select(c => (byte)(c - '0')));
        record.Add(255);
        record.AddRange(data);
        return record.ToArray();
    }

    /// <summary>True when the base64 alphabet decodes <paramref name="text"/>; used to tell a round trip apart from damage.</summary>
    public static bool IsBase64(ReadOnlySpan<byte> text) => Base64.IsValid(text);
}
