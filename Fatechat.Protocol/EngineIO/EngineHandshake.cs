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

        Headers = headers;
        Query = new QueryCollection(query);
        Address = context.Connection.RemoteIpAddress?.ToString() ?? "";
        Url = context.Request.Path + context.Request.QueryString;
        Secure = context.Request.IsHttps;
        Time = time;
    }

    /// <summary>For a WebSocket request read below Kestrel's HTTP layer; the collections are the session's own.</summary>
    internal EngineHandshake(IHeaderDictionary headers, IQueryCollection query, string address, string url, DateTimeOffset time)
    {
        Headers = headers;
        Query = query;
        Address = address;
        Url = url;
        Time = time;
    }

    /// <summary>Request headers; look-ups ignore case.</summary>
    public IHeaderDictionary Headers { get; }
    public IQueryCollection Query { get; }
    public string Address { get; }
    public string Url { get; }
    public bool Secure { get; }
    public DateTimeOffset Time { get; }
}
