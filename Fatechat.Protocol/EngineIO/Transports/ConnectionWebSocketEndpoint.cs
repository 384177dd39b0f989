using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>
/// Serves the engine's WebSocket requests straight from a Kestrel connection, below its HTTP layer: the upgrade
/// head is read from the connection's first bytes and frames then go to and from the socket's own pipes. An idle
/// WebSocket then holds no HTTP request, header collections, upgrade stream or second pair of pipes, and each
/// send is one pipe write instead of passing through the HTTP response stream.
/// Only the success path is served here. Whatever else arrives — another path, polling, a refused handshake, an
/// unknown sid — is left unread for Kestrel's HTTP layer, where <see cref="EngineIORequestHandler"/> answers it
/// exactly as it answers requests on connections that reused an HTTP keep-alive.
/// </summary>
internal static class ConnectionWebSocketEndpoint
{
    /// <summary>A connection that has sent no whole request head by then is handed to Kestrel and its timeouts.</summary>
    internal static TimeSpan HeadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    private static ReadOnlySpan<byte> SwitchingProtocols =>
        "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: "u8;

    /// <summary>
    /// Serves the connection when its first request is a WebSocket handshake this engine accepts, and returns
    /// true once the session is over; otherwise returns false with every byte still unread.
    /// </summary>
    public static async Task<bool> TryServeAsync(EngineIOServer server, ConnectionContext connection, RequestHeadLimits limits)
    {
        if (await PeekHeadAsync(server, connection, limits) is not { } accepted)
        {
            return false;
        }

        var output = connection.Transport.Output;
        output.Write(SwitchingProtocols);
        output.Write(System.Text.Encoding.ASCII.GetBytes(WebSocketHandshake.AcceptValue(accepted.Key) + "\r\n\r\n"));
        var socket = new WebSocketConnection(connection.Transport.Input, output);
        var options = server.Options;
        if (accepted.Upgrading is { } upgrading)
        {
            try
            {
                await output.FlushAsync();
            }
            catch (Exception exception) when (WebSocketTransport.IsTransportFailure(exception))
            {
                // The client left before the 101 went out: the session stays on polling and may try again.
                upgrading.CancelUpgrade();
                return true;
            }

            await WebSocketTransport.RunUpgradeAsync(upgrading, socket, options.MaxPayload, TimeSpan.FromMilliseconds(options.UpgradeTimeoutMs));
            return true;
        }

        var head = accepted.Head;
        string address = (connection.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "";
        var handshake = new EngineHandshake(head, options.Path, address, server.UtcNow);
        var session = server.Open(handshake, EngineConnection.WebSocketName);
        // The 101 waits in the pipe and leaves with the open packet: one send.
        byte[] open = EngineIORequestHandler.OpenPacket(server, session, upgrades: false);
        await WebSocketTransport.RunAsync(session, socket, open, options.MaxPayload);
        return true;
    }

    private readonly record struct AcceptedRequest(WebSocketRequestHead Head, string Key, EngineConnection? Upgrading);

    /// <summary>
    /// Reads until the first request head is whole or is plainly not ours. Nothing is consumed unless the request
    /// is accepted. When it is not, the reader is left having examined no more than it had before this read, so
    /// Kestrel's next read returns the same bytes at once rather than waiting for more.
    /// </summary>
    private static async Task<AcceptedRequest?> PeekHeadAsync(EngineIOServer server, ConnectionContext connection, RequestHeadLimits limits)
    {
        var input = connection.Transport.Input;
        using var timeout = new CancellationTokenSource(HeadTimeout);
        SequencePosition? examinedBefore = null;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            var buffer = read.Buffer;
            var scan = WebSocketRequestHead.TryParse(buffer, server.Options.Path, limits, out WebSocketRequestHead? head);
            if (scan == RequestHeadScan.Incomplete && !read.IsCompleted && !read.IsCanceled)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                examinedBefore = buffer.End;
                continue;
            }

            if (scan == RequestHeadScan.Complete && TryAccept(server, head!) is { } accepted)
            {
                input.AdvanceTo(buffer.GetPosition(head!.Length));
                return accepted;
            }

            input.AdvanceTo(buffer.Start, examinedBefore ?? buffer.Start);
            return null;
        }
    }

    /// <summary>The checks of <see cref="EngineIORequestHandler"/> for a WebSocket request, without answering a refusal.</summary>
    private static AcceptedRequest? TryAccept(EngineIOServer server, WebSocketRequestHead head)
    {
        var options = server.Options;
        IHeaderDictionary headers = head.Headers;
        string? key = headers.SecWebSocketKey;
        bool isHandshake = options.AllowWebSocket
            && head.Query["transport"] == EngineConnection.WebSocketName
            && head.Query["EIO"] == "4"
            && headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase)
            && headers.Connection.ToString().Contains("upgrade", StringComparison.OrdinalIgnoreCase)
            && headers.SecWebSocketVersion == "13"
            && WebSocketHandshake.IsValidKey(key);
        if (!isHandshake)
        {
            return null;
        }

        string? sid = head.Query["sid"];
        if (sid is null)
        {
            return new AcceptedRequest(head, key!, null);
        }

        if (options.AllowUpgrades && server.TryGet(sid, out EngineConnection session) && session.TryClaimUpgrade())
        {
            return new AcceptedRequest(head, key!, session);
        }

        return null;
    }
}
