using System.Net;
using Fatechat.Protocol.SocketIO;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Hosting;

/// <summary>
/// The client's address, as rate limits and logs key on it. REST requests have it from the forwarded-headers
/// middleware; a Socket.IO handshake keeps the peer's address (its WebSocket may have been served below the HTTP
/// pipeline), so the same middleware's rules are applied to its headers here: one decision for both doors.
/// </summary>
public sealed class ClientAddress
{
    private readonly ForwardedHeadersMiddleware _forwarders;

    public ClientAddress(IOptions<ForwardedHeadersOptions> options, ILoggerFactory loggers)
    {
        _forwarders = new ForwardedHeadersMiddleware(_ => Task.CompletedTask, loggers, options);
        TrustsProxies = options.Value.KnownProxies.Count > 0 || options.Value.KnownIPNetworks.Count > 0;
    }

    /// <summary>False without <c>Fatechat:Server:TrustedProxies</c>: forwarded headers are then never read.</summary>
    public bool TrustsProxies { get; }

    /// <summary>The address of a REST caller, IPv4-mapped IPv6 written as IPv4; empty when unknown.</summary>
    public static string Of(HttpContext context) => Format(context.Connection.RemoteIpAddress);

    /// <summary>The address of the client behind a socket's handshake.</summary>
    public string Of(SocketIOHandshake handshake)
    {
        if (!IPAddress.TryParse(handshake.Address, out var peer))
        {
            return handshake.Address;
        }

        if (!TrustsProxies)
        {
            return Format(peer);
        }

        // Read once: a handshake from the connection door parses its headers on each access.
        var headers = handshake.Headers;
        var forwardedFor = headers[ForwardedHeadersDefaults.XForwardedForHeaderName];
        if (forwardedFor.Count == 0)
        {
            return Format(peer);
        }

        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = peer;
        context.Request.Headers[ForwardedHeadersDefaults.XForwardedForHeaderName] = forwardedFor;
        _forwarders.ApplyForwarders(context);
        return Format(context.Connection.RemoteIpAddress);
    }

    private static string Format(IPAddress? address) => address switch
    {
        null => "",
        { IsIPv4MappedToIPv6: true } => address.MapToIPv4().ToString(),
        _ => address.ToString(),
    };
}
