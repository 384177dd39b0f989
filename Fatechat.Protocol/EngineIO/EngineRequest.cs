using System.Net;
using Fatechat.Protocol.EngineIO.Transports;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Fatechat.Protocol.EngineIO;

/// <summary>
/// What <see cref="Admission.Decide"/> needs to know of a request, built from whichever door it came through: an
/// <see cref="HttpContext"/> (Kestrel's HTTP layer) or a request head read straight from a connection
/// (<see cref="ConnectionWebSocketEndpoint"/>). Both doors then take the same decision.
/// </summary>
internal sealed class EngineRequest
{
    private readonly HttpContext? _context;
    private readonly WebSocketRequestHead? _head;
    private readonly string _enginePath;

    private EngineRequest(string method, IHeaderDictionary headers, IQueryCollection query, bool canUpgrade, string remoteAddress, bool secure, string enginePath)
    {
        Method = method;
        Headers = headers;
        Protocol = query["EIO"];
        Transport = query["transport"];
        Sid = query["sid"];
        // Engine.IO v3 clients without binary support ask for base64 on their handshake.
        SupportsBinary = !query.ContainsKey("b64");
        RemoteAddress = remoteAddress;
        Secure = secure;
        _enginePath = enginePath;
        IsWebSocketUpgrade = canUpgrade && HttpMethods.IsGet(method)
            && headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase);
    }

    private EngineRequest(HttpContext context, string enginePath)
        : this(
            context.Request.Method,
            context.Request.Headers,
            context.Request.Query,
            // Kestrel's view: HTTP/1.1, "Connection: upgrade", no body. HTTP/2 requests are never upgradable.
            context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true },
            context.Connection.RemoteIpAddress?.ToString() ?? "",
            context.Request.IsHttps,
            enginePath)
    {
        _context = context;
    }

    private EngineRequest(WebSocketRequestHead head, ConnectionContext connection, string enginePath)
        : this(
            HttpMethods.Get,
            head.Headers,
            head.Query,
            // The head parser took only a bodiless HTTP/1.1 GET; Kestrel's own rule for the Connection header.
            ((IHeaderDictionary)head.Headers).Connection.ToString().Contains("upgrade", StringComparison.OrdinalIgnoreCase),
            (connection.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "",
            // Present only when this middleware runs after Kestrel's TLS middleware (UseHttps before it).
            connection.Features.Get<ITlsHandshakeFeature>() is not null,
            enginePath)
    {
        _head = head;
    }

    public static EngineRequest From(HttpContext context, string enginePath) => new(context, enginePath);

    public static EngineRequest From(WebSocketRequestHead head, ConnectionContext connection, string enginePath) =>
        new(head, connection, enginePath);

    public string Method { get; }
    public IHeaderDictionary Headers { get; }

    /// <summary>The <c>EIO</c> query parameter: the Engine.IO protocol version the client speaks.</summary>
    public string? Protocol { get; }

    /// <summary>The <c>transport</c> query parameter: <c>polling</c> or <c>websocket</c>.</summary>
    public string? Transport { get; }

    /// <summary>The <c>sid</c> query parameter: absent on a handshake.</summary>
    public string? Sid { get; }

    public string RemoteAddress { get; }

    /// <summary>False when the client asked for binary as base64 (<c>b64</c>, Engine.IO v3 only).</summary>
    public bool SupportsBinary { get; }

    /// <summary>True when the request came over TLS to this server.</summary>
    public bool Secure { get; }

    /// <summary>A GET asking to switch to the WebSocket protocol, as far as the HTTP layer can tell.</summary>
    public bool IsWebSocketUpgrade { get; }

    public string? WebSocketKey => Headers.SecWebSocketKey;

    /// <summary>What a new session keeps of this request once it is over.</summary>
    public EngineHandshake CreateHandshake(DateTimeOffset time) => _context is not null
        ? new EngineHandshake(_context, time)
        : new EngineHandshake(_head!, _enginePath, RemoteAddress, Secure, time);
}
