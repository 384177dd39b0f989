using System.Buffers;
using System.Text.Json;
using Fatechat.Protocol.EngineIO.Transports;
using Microsoft.AspNetCore.Http;

namespace Fatechat.Protocol.EngineIO;

/// <summary>
/// Routes a request to the handshake, a transport, or an error, checking it as Node's
/// <c>Server.verify</c> does (socketio/socket.io packages/engine.io/lib/server.ts).
/// </summary>
internal static class EngineIORequestHandler
{
    public static async Task HandleAsync(EngineIOServer server, HttpContext context)
    {
        var options = server.Options;
        var request = context.Request;
        if (options.Cors is { } cors && WriteCorsHeaders(context, cors) && HttpMethods.IsOptions(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        string? transport = request.Query["transport"];
        bool isWebSocket = WebSocketHandshake.IsUpgradeRequest(context);
        if (!IsAllowedTransport(options, transport))
        {
            await WriteErrorAsync(context, EngineIOError.UnknownTransport);
            return;
        }

        // A plain HTTP request may not claim the websocket transport, nor an upgrade request the polling one.
        if (isWebSocket != (transport == EngineConnection.WebSocketName))
        {
            await WriteErrorAsync(context, EngineIOError.BadRequest);
            return;
        }

        if (request.Query["EIO"] != "4")
        {
            await WriteErrorAsync(context, EngineIOError.UnsupportedProtocolVersion);
            return;
        }

        string? sid = request.Query["sid"];
        if (sid is null)
        {
            await HandshakeAsync(server, context, isWebSocket);
            return;
        }

        if (!server.TryGet(sid, out EngineConnection connection))
        {
            await WriteErrorAsync(context, EngineIOError.UnknownSid);
            return;
        }

        if (isWebSocket)
        {
            if (!options.AllowUpgrades || !connection.TryClaimUpgrade())
            {
                await WriteErrorAsync(context, EngineIOError.BadRequest);
                return;
            }

            var socket = await WebSocketHandshake.AcceptAsync(context);
            if (socket is null)
            {
                connection.CancelUpgrade();
                return;
            }

            await WebSocketTransport.RunUpgradeAsync(connection, socket, options.MaxPayload, TimeSpan.FromMilliseconds(options.UpgradeTimeoutMs));
            return;
        }

        if (connection.Transport != EngineConnection.PollingName)
        {
            // The session moved to WebSocket: its old transport is refused.
            await WriteErrorAsync(context, EngineIOError.BadRequest);
            return;
        }

        if (HttpMethods.IsGet(request.Method))
        {
            await PollingTransport.HandleGetAsync(context, connection);
        }
        else if (HttpMethods.IsPost(request.Method))
        {
            await PollingTransport.HandlePostAsync(context, connection, options.MaxPayload);
        }
        else
        {
            await WriteErrorAsync(context, EngineIOError.BadRequest);
        }
    }

    private static async Task HandshakeAsync(EngineIOServer server, HttpContext context, bool isWebSocket)
    {
        if (!isWebSocket && !HttpMethods.IsGet(context.Request.Method))
        {
            await WriteErrorAsync(context, EngineIOError.BadHandshakeMethod);
            return;
        }

        var handshake = new EngineHandshake(context, server.UtcNow);
        if (isWebSocket)
        {
            var socket = await WebSocketHandshake.AcceptAsync(context);
            if (socket is null)
            {
                return;
            }

            var connection = server.Open(handshake, EngineConnection.WebSocketName);
            await WebSocketTransport.RunAsync(connection, socket, OpenPacket(server, connection, upgrades: false), server.Options.MaxPayload);
            return;
        }

        var polling = server.Open(handshake, EngineConnection.PollingName);
        byte[] body = OpenPacket(server, polling, upgrades: server.Options.AllowUpgrades && server.Options.AllowWebSocket);
        context.Response.ContentType = "text/plain; charset=UTF-8";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body);
    }

    /// <summary><c>0{"sid","upgrades","pingInterval","pingTimeout","maxPayload"}</c>.</summary>
    internal static byte[] OpenPacket(EngineIOServer server, EngineConnection connection, bool upgrades)
    {
        var options = server.Options;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(160);
        buffer.Write("0"u8);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("sid", connection.Id);
            json.WriteStartArray("upgrades");
            if (upgrades)
            {
                json.WriteStringValue(EngineConnection.WebSocketName);
            }

            json.WriteEndArray();
            json.WriteNumber("pingInterval", options.PingIntervalMs);
            json.WriteNumber("pingTimeout", options.PingTimeoutMs);
            json.WriteNumber("maxPayload", options.MaxPayload);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static bool IsAllowedTransport(EngineIOOptions options, string? transport) => transport switch
    {
        EngineConnection.PollingName => options.AllowPolling,
        EngineConnection.WebSocketName => options.AllowWebSocket,
        _ => false,
    };

    /// <summary>Adds CORS headers for a request with an allowed Origin; true when it had one.</summary>
    private static bool WriteCorsHeaders(HttpContext context, EngineIOCorsOptions cors)
    {
        string? origin = context.Request.Headers.Origin;
        if (string.IsNullOrEmpty(origin))
        {
            return false;
        }

        bool any = cors.Origins.Contains("*");
        if (!any && !cors.Origins.Contains(origin))
        {
            return false;
        }

        var headers = context.Response.Headers;
        // With credentials a browser refuses "*", so the origin is echoed back.
        headers.AccessControlAllowOrigin = any && !cors.Credentials ? "*" : origin;
        headers.Vary = "Origin";
        if (cors.Credentials)
        {
            headers.AccessControlAllowCredentials = "true";
        }

        if (HttpMethods.IsOptions(context.Request.Method))
        {
            headers.AccessControlAllowMethods = "GET,HEAD,PUT,PATCH,POST,DELETE";
            string? requested = context.Request.Headers.AccessControlRequestHeaders;
            if (!string.IsNullOrEmpty(requested))
            {
                headers.AccessControlAllowHeaders = requested;
            }
        }

        return true;
    }

    public static async Task WriteErrorAsync(HttpContext context, EngineIOError error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = error.StatusCode;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = error.Body.Length;
        await context.Response.Body.WriteAsync(error.Body);
    }
}
