using System.Buffers;
using System.Text.Json;
using Fatechat.Protocol.EngineIO.Transports;
using Microsoft.AspNetCore.Http;

namespace Fatechat.Protocol.EngineIO;

/// <summary>
/// The HTTP door: answers CORS, then executes whatever <see cref="Admission.Decide"/> makes of the request — a
/// handshake, a transport, or an Engine.IO error.
/// </summary>
internal static class EngineIORequestHandler
{
    public static async Task HandleAsync(EngineIOServer server, HttpContext context)
    {
        var options = server.Options;
        if (options.Cors is { } cors && WriteCorsHeaders(context, cors) && HttpMethods.IsOptions(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        var request = EngineRequest.From(context, options.Path);
        var admission = Admission.Decide(server, request);
        switch (admission.Kind)
        {
            case AdmissionKind.OpenPolling:
                await OpenPollingAsync(server, context, request, admission.Protocol);
                break;
            case AdmissionKind.OpenWebSocket or AdmissionKind.UpgradeWebSocket or AdmissionKind.CloseWebSocket:
                await ServeWebSocketAsync(server, context, request, admission);
                break;
            case AdmissionKind.PollingGet:
                await PollingTransport.HandleGetAsync(context, admission.Session!);
                break;
            case AdmissionKind.PollingPost:
                await PollingTransport.HandlePostAsync(context, admission.Session!, options.MaxPayload);
                break;
            default:
                await WriteErrorAsync(context, admission.Error!);
                break;
        }
    }

    private static async Task ServeWebSocketAsync(EngineIOServer server, HttpContext context, EngineRequest request, Admission admission)
    {
        WebSocketConnection socket;
        try
        {
            socket = await WebSocketHandshake.AcceptAsync(context, request.WebSocketKey!);
        }
        catch (Exception exception) when (WebSocketTransport.IsTransportFailure(exception))
        {
            // The client left before the 101 went out: a polling session stays on polling and may try again.
            admission.Session?.CancelUpgrade();
            return;
        }

        await WebSocketTransport.ServeAsync(server, admission, request, socket);
    }

    private static async Task OpenPollingAsync(EngineIOServer server, HttpContext context, EngineRequest request, int protocol)
    {
        var polling = server.Open(request.CreateHandshake(server.UtcNow), EngineConnection.PollingName, protocol, request.SupportsBinary);
        byte[] open = OpenPacket(server, polling, upgrades: server.Options.AllowUpgrades && server.Options.AllowWebSocket);
        var payload = PollingPayloadWriter.For(polling);
        payload.Add(open, isBinary: false);
        await PollingTransport.WriteAsync(context, payload);
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
