using System.Text;
using CsCheck;

namespace Fatechat.Tests.Fuzz;

/// <summary>
/// Generators of near-valid protocol input: valid Engine.IO and Socket.IO packets, polling bodies and request heads,
/// then bent where decoders go wrong — type digits, attachment counts, namespaces and their commas, ack ids, JSON
/// fragments and placeholders, separators and length prefixes, UTF-8 edge cases (overlong, surrogates encoded in
/// UTF-8, escaped lone surrogates, truncated sequences), huge numbers and deep nesting. Random bytes alone would
/// almost never get past the first check of a parser.
/// </summary>
internal static class FuzzInputs
{
    /// <summary>Bytes that mean something to one of the decoders, or that UTF-8 and JSON readers trip over.</summary>
    public static readonly byte[][] Fragments =
    [
        [], ","u8.ToArray(), "/"u8.ToArray(), "-"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), "{"u8.ToArray(),
        "}"u8.ToArray(), "\""u8.ToArray(), ":"u8.ToArray(), [0x1e], [0x00], [0xff], "\r\n"u8.ToArray(), "b"u8.ToArray(),
        "4"u8.ToArray(), "0"u8.ToArray(), "9"u8.ToArray(), "99999999999999999999"u8.ToArray(), "1e999"u8.ToArray(),
        "-0"u8.ToArray(), "null"u8.ToArray(), "\"\\ud800\""u8.ToArray(), "\\udc00"u8.ToArray(),
        "{\"_placeholder\":true,\"num\":0}"u8.ToArray(), "{\"_placeholder\":true,\"num\":4294967296}"u8.ToArray(),
        [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xef, 0xbb, 0xbf],
        "é"u8.ToArray(), "😀"u8.ToArray(), [.. Enumerable.Repeat((byte)'[', 70)], "2147483648:"u8.ToArray(),
        "4294967296:"u8.ToArray(), [1, 9, 9, 255], [0, 255],
    ];

    private static readonly string[] EventNames =
    [
        "message", "message-with-ack", "after", "hold", "x", "", "é", "😀", "__proto__", "toString", "connect", "error",
    ];

    private static readonly string[] Namespaces = ["", "/,", "/ordered,", "/custom,", "/ünï,", "/ordered", "/a,b,", "/,,", "//,"];

    private static readonly string[] AckIds = ["", "0", "1", "42", "999999999999999", "1234567890123456", "99999999999999999999"];

    private static readonly string[] AttachmentCounts = ["", "0-", "1-", "2-", "10-", "64-", "65-", "99999-", "a-", "-", "1"];

    private static readonly Gen<char> TextChar = Gen.Frequency(
        (8, Gen.Char["abcxyz019 _-/,:"]),
        (1, Gen.Char["é☃\u0000\u001e\"\\\u2028"]));

    public static readonly Gen<string> Text = TextChar.Array[0, 12].Select(chars => new string(chars));

    private static readonly Gen<string> JsonString = Gen.Frequency(
        (6, Text.Select(s => System.Text.Json.JsonSerializer.Serialize(s))),
        (1, Gen.OneOf(Gen.Const("\"\\ud800\""), Gen.Const("\"\\udc00x\""), Gen.Const("\"\\ud83d\\ude00\""), Gen.Const("\"\\u0000\""))));

    private static readonly Gen<string> JsonNumber = Gen.Frequency(
        (4, Gen.Int[-1000, 1000].Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.OneOf(Gen.Const("1e999"), Gen.Const("-0"), Gen.Const("12345678901234567890123"), Gen.Const("0.5"), Gen.Const("4294967296"))));

    private static readonly Gen<string> Placeholder = Gen.Int[-2, 3].Select(n => $"{{\"_placeholder\":true,\"num\":{n}}}");

    /// <summary>A JSON value of up to <paramref name="depth"/> levels: scalars, placeholders, arrays and objects.</summary>
    public static Gen<string> Json(int depth)
    {
        var scalar = Gen.Frequency(
            (3, JsonString), (3, JsonNumber), (1, Gen.OneOf(Gen.Const("true"), Gen.Const("false"), Gen.Const("null"))), (1, Placeholder));
        if (depth == 0)
        {
            return scalar;
        }

        var inner = Json(depth - 1);
        return Gen.Frequency(
            (4, scalar),
            (1, inner.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (1, Gen.Select(JsonString.Array[0, 3], inner.Array[3], (keys, values) =>
                "{" + string.Join(",", keys.Select((key, i) => key + ":" + values[i])) + "}")));
    }

    /// <summary>An EVENT or ACK payload: an array, mostly with an event name first.</summary>
    private static readonly Gen<string> EventArray = Gen.Select(
        Gen.Frequency((6, Gen.OneOf(EventNames).Select(n => System.Text.Json.JsonSerializer.Serialize(n))), (1, Json(1))),
        Json(2).Array[0, 4],
        (name, args) => "[" + string.Join(",", args.Prepend(name)) + "]");

    /// <summary>The text part of a Socket.IO packet: <c>type [n-] [/nsp,] [ack] [json]</c>, each part usually valid.</summary>
    public static readonly Gen<string> SocketIOPacket = Gen.Select(
        Gen.Frequency((12, Gen.Char["0123456"]), (1, Gen.Char["789a -"])),
        Gen.Frequency((3, Gen.Const("")), (1, Gen.OneOf(AttachmentCounts))),
        Gen.Frequency((3, Gen.Const("")), (2, Gen.OneOf(Namespaces))),
        Gen.Frequency((3, Gen.Const("")), (1, Gen.OneOf(AckIds))),
        Gen.Frequency((6, EventArray), (2, Json(3)), (1, Gen.Const(""))),
        (type, attachments, nsp, ack, json) => type + attachments + nsp + ack + json);

    /// <summary>An Engine.IO text packet: mostly messages carrying a Socket.IO packet.</summary>
    public static readonly Gen<string> EnginePacket = Gen.Frequency(
        (8, SocketIOPacket.Select(p => "4" + p)),
        (2, Gen.OneOf(Gen.Const("2"), Gen.Const("3"), Gen.Const("2probe"), Gen.Const("5"), Gen.Const("6"), Gen.Const("1"), Gen.Const("0"))),
        (1, Gen.Select(Gen.Char["0123456789b"], Text, (type, rest) => type + rest)));

    /// <summary>Valid UTF-8 bytes of <paramref name="text"/>, then up to four mutations.</summary>
    public static Gen<byte[]> Mutated(Gen<string> text) => Mutated(text.Select(Encoding.UTF8.GetBytes));

    public static Gen<byte[]> Mutated(Gen<byte[]> valid) =>
        Gen.Frequency((1, valid), (2, Gen.Select(valid, Mutation.Array[1, 4], Apply)));

    /// <summary>One change to a byte string: where, what, and how much.</summary>
    private readonly record struct Edit(int Kind, double At, int Length, byte[] Fragment, byte Value);

    private static readonly Gen<Edit> Mutation = Gen.Select(
        Gen.Int[0, 6], Gen.Double[0, 1], Gen.Int[1, 8], Gen.OneOf(Fragments), Gen.Byte,
        (kind, at, length, fragment, value) => new Edit(kind, at, length, fragment, value));

    private static byte[] Apply(byte[] bytes, Edit[] edits)
    {
        var buffer = new List<byte>(bytes);
        foreach (var edit in edits)
        {
            int at = (int)(edit.At * buffer.Count);
            int length = Math.Min(edit.Length, buffer.Count - at);
            switch (edit.Kind)
            {
                case 0: // insert a meaningful fragment
                    buffer.InsertRange(at, edit.Fragment);
                    break;
                case 1: // overwrite with a fragment
                    buffer.RemoveRange(at, length);
                    buffer.InsertRange(at, edit.Fragment);
                    break;
                case 2: // delete a run
                    buffer.RemoveRange(at, length);
                    break;
                case 3: // duplicate a run
                    buffer.InsertRange(at, buffer.GetRange(at, length));
                    break;
                case 4: // truncate
                    buffer.RemoveRange(at, buffer.Count - at);
                    break;
                case 5 when at < buffer.Count: // set one byte
                    buffer[at] = edit.Value;
                    break;
                default: // flip one bit
                    if (at < buffer.Count)
                    {
                        buffer[at] ^= (byte)(1 << (edit.Value & 7));
                    }

                    break;
            }
        }

        return buffer.ToArray();
    }
}
