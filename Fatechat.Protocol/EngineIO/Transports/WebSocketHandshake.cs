using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>
/// The server side of the RFC 6455 opening handshake (https://www.rfc-editor.org/rfc/rfc6455#section-4.2), done
/// here rather than by ASP.NET Core's WebSocket middleware so that the transport can frame straight into
/// Kestrel's pipes: several frames per flush, and no buffer held by an idle socket. <see cref="Admission"/> has
/// checked the version and key; this answers 101 on either door, with the same headers.
/// </summary>
internal static class WebSocketHandshake
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private static ReadOnlySpan<byte> StatusLine => "HTTP/1.1 101 Switching Protocols\r\n"u8;

    /// <summary>
    /// The 101's headers. No <c>Sec-WebSocket-Extensions</c>: permessage-deflate, if offered, is declined; no
    /// <c>Sec-WebSocket-Protocol</c>: Engine.IO names none.
    /// </summary>
    private static IEnumerable<(string Name, string Value)> AcceptHeaders(string key) =>
    [
        ("Connection", "Upgrade"),
        ("Upgrade", "websocket"),
        ("Sec-WebSocket-Accept", AcceptValue(key)),
    ];

    /// <summary>The HTTP layer's door: answers 101 through Kestrel's upgrade feature and frames the upgraded stream.</summary>
    public static async Task<WebSocketConnection> AcceptAsync(HttpContext context, string key)
    {
        var response = context.Response.Headers;
        foreach (var (name, value) in AcceptHeaders(key))
        {
            response[name] = value;
        }

        Stream stream = await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync();
        return new WebSocketConnection(
            // Zero-byte reads: an idle socket waits for data without holding a buffer.
            PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, leaveOpen: true, useZeroByteReads: true)),
            PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: true)));
    }

    /// <summary>
    /// The connection door: writes the 101 into the connection's pipe without flushing it, so that it leaves with
    /// whatever is written next (the open packet of a new session), and frames the connection's own pipes.
    /// </summary>
    public static WebSocketConnection Accept(IDuplexPipe transport, string key)
    {
        var output = transport.Output;
        output.Write(StatusLine);
        foreach (var (name, value) in AcceptHeaders(key))
        {
            output.Write(Encoding.ASCII.GetBytes($"{name}: {value}\r\n"));
        }

        output.Write("\r\n"u8);
        return new WebSocketConnection(transport.Input, output);
    }

    internal static string AcceptValue(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));

    internal static bool IsValidKey(string? key)
    {
        Span<byte> decoded = stackalloc byte[24];
        return key is { Length: 24 } && Convert.TryFromBase64String(key, decoded, out int written) && written == 16;
    }
}
