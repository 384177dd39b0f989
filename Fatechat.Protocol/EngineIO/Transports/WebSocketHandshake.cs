using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>
/// The server side of the RFC 6455 opening handshake (https://www.rfc-editor.org/rfc/rfc6455#section-4.2), done
/// here rather than by ASP.NET Core's WebSocket middleware so that the transport can frame straight into
/// Kestrel's pipes: several frames per flush, and no buffer held by an idle socket.
/// </summary>
internal static class WebSocketHandshake
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public static bool IsUpgradeRequest(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method)
        && context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
        && context.Request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase);

    /// <summary>Answers 101 and returns the framed connection, or answers 400 and returns null.</summary>
    public static async Task<WebSocketConnection?> AcceptAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        string? key = headers.SecWebSocketKey;
        if (headers.SecWebSocketVersion != "13" || !IsValidKey(key))
        {
            await EngineIORequestHandler.WriteErrorAsync(context, EngineIOError.BadRequest);
            return null;
        }

        var response = context.Response.Headers;
        response.Connection = "Upgrade";
        response.Upgrade = "websocket";
        response.SecWebSocketAccept = AcceptValue(key!);
        // No Sec-WebSocket-Extensions in the answer: permessage-deflate, if offered, is declined.
        Stream stream = await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync();
        return new WebSocketConnection(
            // Zero-byte reads: an idle socket waits for data without holding a buffer.
            PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, leaveOpen: true, useZeroByteReads: true)),
            PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: true)));
    }

    internal static string AcceptValue(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));

    internal static bool IsValidKey(string? key)
    {
        Span<byte> decoded = stackalloc byte[24];
        return key is { Length: 24 } && Convert.TryFromBase64String(key, decoded, out int written) && written == 16;
    }
}
