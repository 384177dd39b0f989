using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>What a scan of a connection's first bytes found.</summary>
internal enum RequestHeadScan
{
    /// <summary>The bytes so far could still be a request for the engine's path; read more.</summary>
    Incomplete,

    /// <summary>Something Kestrel's HTTP layer should serve: another path or method, or anything unusual.</summary>
    NotOurs,

    /// <summary>A whole, plain HTTP/1.1 <c>GET</c> head for the engine's path.</summary>
    Complete,
}

/// <summary>
/// The head of an HTTP/1.1 request read straight from a connection, before Kestrel's HTTP layer sees it, so that
/// a WebSocket for the engine can be served without an HTTP request object held for the socket's lifetime. Only
/// the plainest heads are taken (ASCII, no folding, no body); anything else is left to Kestrel, whose parser
/// then reads the untouched bytes and answers as it always does.
/// </summary>
internal sealed class WebSocketRequestHead
{
    /// <summary>Heads longer than this are left to Kestrel (which refuses over 32 KB by default).</summary>
    internal const int MaxLength = 16 * 1024;

    private static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    private static ReadOnlySpan<byte> Get => "GET "u8;

    private WebSocketRequestHead(byte[] bytes, string target, QueryCollection query, HeaderDictionary headers, long length)
    {
        Bytes = bytes;
        Target = target;
        Query = query;
        Headers = headers;
        Length = length;
    }

    /// <summary>Path and query as sent, such as <c>/socket.io/?EIO=4&amp;transport=websocket</c>.</summary>
    public string Target { get; }
    public QueryCollection Query { get; }
    public HeaderDictionary Headers { get; }

    /// <summary>Bytes of the head including its blank line: what to consume once the request is taken.</summary>
    public long Length { get; }

    /// <summary>
    /// The head's bytes without the blank line: a session keeps these (about 250 bytes) rather than the parsed
    /// collections (over 1 KB), and <see cref="Reread"/> turns them back into headers and query when asked.
    /// </summary>
    public byte[] Bytes { get; }

    /// <summary>Parses again a head that <see cref="TryParse(in ReadOnlySequence{byte}, string, RequestHeadLimits, out WebSocketRequestHead?)"/> accepted.</summary>
    public static WebSocketRequestHead Reread(byte[] bytes, string path) =>
        Parse(bytes, path, RequestHeadLimits.None, bytes.Length + EndOfHead.Length)
        ?? throw new InvalidOperationException("The request head was accepted before and cannot be refused now.");

    /// <summary>
    /// Scans <paramref name="buffer"/> for a <c>GET</c> of <paramref name="path"/> (such as <c>/socket.io/</c>,
    /// also accepted without its last slash) and parses it once its blank line has arrived.
    /// </summary>
    public static RequestHeadScan TryParse(in ReadOnlySequence<byte> buffer, string path, out WebSocketRequestHead? head) =>
        TryParse(buffer, path, RequestHeadLimits.KestrelDefaults, out head);

    /// <summary>As above, leaving to Kestrel any head over the <paramref name="limits"/> it would refuse.</summary>
    public static RequestHeadScan TryParse(in ReadOnlySequence<byte> buffer, string path, RequestHeadLimits limits, out WebSocketRequestHead? head)
    {
        head = null;
        // Decided on the first bytes for every other request, before any search for the end of the head.
        if (!CouldBeFor(buffer, path))
        {
            return RequestHeadScan.NotOurs;
        }

        int maxLength = Math.Min(MaxLength, limits.MaxHeadersTotalSize);
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> content, EndOfHead))
        {
            return buffer.Length > maxLength ? RequestHeadScan.NotOurs : RequestHeadScan.Incomplete;
        }

        if (content.Length + EndOfHead.Length > maxLength)
        {
            return RequestHeadScan.NotOurs;
        }

        byte[] bytes = content.ToArray();
        head = Parse(bytes, path, limits, bytes.Length + EndOfHead.Length);
        return head is null ? RequestHeadScan.NotOurs : RequestHeadScan.Complete;
    }

    /// <summary>True while the bytes so far agree with <c>GET /path</c>; decided on the first bytes of a request.</summary>
    private static bool CouldBeFor(in ReadOnlySequence<byte> buffer, string path)
    {
        // "GET " + path without its last slash; the rest of the target is checked once the head is whole. Runs on
        // the first bytes of every connection, so it compares in place rather than building the prefix.
        ReadOnlySpan<char> bare = path.AsSpan().TrimEnd('/');
        Span<byte> start = stackalloc byte[64];
        int available = (int)Math.Min(buffer.Length, Math.Min(Get.Length + bare.Length, start.Length));
        buffer.Slice(0, available).CopyTo(start);
        for (int i = 0; i < available; i++)
        {
            int expected = i < Get.Length ? Get[i] : bare[i - Get.Length];
            if (start[i] != expected)
            {
                return false;
            }
        }

        return true;
    }

    private static WebSocketRequestHead? Parse(byte[] bytes, string path, RequestHeadLimits limits, long length)
    {
        foreach (byte b in bytes)
        {
            // Printable ASCII, tabs and line ends only: other bytes are for Kestrel to judge.
            if (b > 0x7E || (b < 0x20 && b is not ((byte)'\t' or (byte)'\r' or (byte)'\n')))
            {
                return null;
            }
        }

        string text = Encoding.ASCII.GetString(bytes);
        string[] lines = text.Split("\r\n");
        // Kestrel answers 414 and 431 past its limits; a bare CR or LF inside a line is a 400 there.
        if (lines[0].Length + 2 > limits.MaxRequestLineSize || lines.Length - 1 > limits.MaxHeaderCount
            || lines.Any(line => line.AsSpan().ContainsAny(BareLineEnds)))
        {
            return null;
        }

        string[] requestLine = lines[0].Split(' ');
        if (requestLine is not ["GET", var target, "HTTP/1.1"] || !IsEngineTarget(target, path, out int queryStart))
        {
            return null;
        }

        var headers = new HeaderDictionary();
        for (int i = 1; i < lines.Length; i++)
        {
            if (!TryParseHeader(lines[i], out string name, out string value))
            {
                return null;
            }

            headers[name] = headers.TryGetValue(name, out StringValues earlier) ? StringValues.Concat(earlier, value) : new StringValues(value);
        }

        // A request with a body is not a WebSocket handshake this shortcut takes; Kestrel judges odd Host headers.
        if (headers.ContainsKey(HeaderNames.ContentLength) || headers.ContainsKey(HeaderNames.TransferEncoding)
            || !headers.TryGetValue(HeaderNames.Host, out StringValues host) || host.Count != 1 || !IsPlainHost(host.ToString()))
        {
            return null;
        }

        var query = new QueryCollection(QueryHelpers.ParseQuery(target[queryStart..]));
        return new WebSocketRequestHead(bytes, target, query, headers, length);
    }

    /// <summary>A CR or LF left inside a line once the head was split on CRLF.</summary>
    private static readonly SearchValues<char> BareLineEnds = SearchValues.Create("\r\n");

    /// <summary>Host characters (RFC 3986 reg-name, IP literal and port) that every parser reads the same way.</summary>
    private static readonly SearchValues<char> HostCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:[]%");

    private static bool IsPlainHost(string host) => host.Length > 0 && !host.AsSpan().ContainsAnyExcept(HostCharacters);

    /// <summary><c>/socket.io/?…</c> or <c>/socket.io?…</c>: the engine's path itself, with a query.</summary>
    private static bool IsEngineTarget(string target, string path, out int queryStart)
    {
        ReadOnlySpan<char> bare = path.AsSpan().TrimEnd('/');
        queryStart = target.IndexOf('?');
        if (queryStart < 0)
        {
            return false;
        }

        ReadOnlySpan<char> targetPath = target.AsSpan(0, queryStart);
        return targetPath.SequenceEqual(bare) || (targetPath.Length == bare.Length + 1 && targetPath.StartsWith(bare) && targetPath[^1] == '/');
    }

    private static bool TryParseHeader(string line, out string name, out string value)
    {
        name = value = "";
        int colon = line.IndexOf(':');
        if (colon <= 0)
        {
            return false;
        }

        name = line[..colon];
        foreach (char c in name)
        {
            // A token (RFC 9110 §5.1): no spaces before the colon, no obsolete line folding.
            if (c is ' ' or '\t' or '"' or '(' or ')' or ',' or '/' or ';' or '<' or '=' or '>' or '?' or '@' or '[' or '\\' or ']' or '{' or '}')
            {
                return false;
            }
        }

        value = line[(colon + 1)..].Trim(' ', '\t');
        return true;
    }
}
