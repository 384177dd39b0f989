using CsCheck;

namespace Fatechat.Tests.Fuzz;

/// <summary>The first bytes of a connection: WebSocket handshake heads for the engine, bent line by line, then as bytes.</summary>
internal static class RequestHeadInputs
{
    private static readonly string[] Targets =
    [
        "/socket.io/?EIO=4&transport=websocket", "/socket.io?EIO=4&transport=websocket", "/socket.io/?EIO=3&transport=websocket&sid=abc",
        "/socket.io/?transport=__proto__", "/socket.io/", "/socket.io/x?EIO=4", "/other/?EIO=4", "/socket.io/?EIO=4&transport=websocket&a=%zz",
    ];

    private static readonly string[] Lines =
    [
        "Host: 127.0.0.1:3000", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13", "Origin: http://127.0.0.1", "Host: a", "Host: a b", "Content-Length: 5", "Transfer-Encoding: chunked",
        " folded", "Bad Name: x", "NoColon", ":empty", "X-Long: " + new string('x', 300), "Sec-WebSocket-Version: 12", "Host:",
    ];

    private static readonly Gen<string> Line = Gen.Frequency((4, Gen.OneOf(Lines[..6])), (1, Gen.OneOf(Lines)));

    /// <summary>A head, mostly complete (its blank line present), sometimes with bytes of a first frame after it.</summary>
    public static readonly Gen<byte[]> Head = FuzzInputs.Mutated(Gen.Select(
        Gen.Frequency((8, Gen.Const("GET ")), (1, Gen.OneOf(Gen.Const("POST "), Gen.Const("get "), Gen.Const("GET  "), Gen.Const("")))),
        Gen.OneOf(Targets),
        Gen.Frequency((8, Gen.Const(" HTTP/1.1")), (1, Gen.OneOf(Gen.Const(" HTTP/1.0"), Gen.Const(""), Gen.Const(" HTTP/2")))),
        Line.Array[0, 10],
        Gen.Frequency((6, Gen.Const("\r\n\r\n")), (1, Gen.OneOf(Gen.Const("\r\n"), Gen.Const("\n\n"), Gen.Const("")))),
        Gen.Frequency((4, Gen.Const("")), (1, Gen.Const("\u0081\u0085abcd4hello"))),
        (method, target, version, lines, end, after) => method + target + version + string.Concat(lines.Select(l => "\r\n" + l)) + end + after)
        .Select(text => text.Select(c => (byte)c).ToArray()));
}
