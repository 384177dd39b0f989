using Fatechat.Protocol.EngineIO.Transports;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Fatechat.Protocol.EngineIO;

/// <summary>
/// What the first HTTP request of a session carried (the polling handshake or the WebSocket upgrade request),
/// copied because the <see cref="HttpContext"/> is recycled once the request ends.
/// </summary>
public sealed class EngineHandshake
{
    internal EngineHandshake(HttpContext context, DateTimeOffset time)
    {
        var headers = new HeaderDictionary();
        foreach (var header in context.Request.Headers)
        {
            headers[header.Key] = header.Value;
        }

        var query = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        foreach (var pair in context.Request.Query)
        {
            query[pair.Key] = pair.Value;
        }

        _headers = headers;
        _query = new QueryCollection(query);
        Address = context.Connection.RemoteIpAddress?.ToString() ?? "";
        _url = context.Request.Path + context.Request.QueryString;
        Secure = context.Request.IsHttps;
        Time = time;
    }

    /// <summary>
    /// For a WebSocket request read below Kestrel's HTTP layer: only the head's bytes are kept, and
    /// <see cref="Headers"/>, <see cref="Query"/> and <see cref="Url"/> are parsed from them on each access, so an
    /// idle connection does not carry header collections that are read once, at connect.
    /// </summary>
    internal EngineHandshake(WebSocketRequestHead head, string enginePath, string address, bool secure, DateTimeOffset time)
    {
        _head = head.Bytes;
        _enginePath = enginePath;
        Address = address;
        Secure = secure;
        Time = time;
    }

    private readonly IHeaderDictionary? _headers;
    private readonly IQueryCollection? _query;
    private readonly string? _url;
    private readonly byte[]? _head;
    private readonly string? _enginePath;

    /// <summary>Request headers; look-ups ignore case. Read what you need once: it may be parsed on each access.</summary>
    public IHeaderDictionary Headers => _headers ?? Reread().Headers;
    public IQueryCollection Query => _query ?? Reread().Query;
    public string Address { get; }
    public string Url => _url ?? Reread().Target;
    /// <summary>True when the request came over TLS to this server (not behind a TLS-terminating proxy).</summary>
    public bool Secure { get; }
    public DateTimeOffset Time { get; }

    private WebSocketRequestHead Reread() => WebSocketRequestHead.Reread(_head!, _enginePath!);
}
