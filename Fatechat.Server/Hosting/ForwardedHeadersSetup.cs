using System.Net;
using Fatechat.Server.Options;
using Microsoft.AspNetCore.HttpOverrides;

namespace Fatechat.Server.Hosting;

/// <summary>
/// Who the client is behind a reverse proxy: ASP.NET Core's forwarded-headers rules with the proxies from
/// <c>Fatechat:Server:TrustedProxies</c>, and nothing else trusted (not even loopback, which the framework
/// trusts by default: a client on the same host could otherwise claim any address). With no proxy configured the
/// headers are not read at all: the framework takes empty lists to mean "trust every proxy".
/// </summary>
internal static class ForwardedHeadersSetup
{
    public static IServiceCollection AddFatechatForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var trusted = configuration.GetSection(FatechatOptions.Section).Get<FatechatOptions>()?.TrustedProxies ?? "";
        var (proxies, networks) = Parse(trusted);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // the obsolete list has its own 127.0.0.0/8 default: cleared so that nothing reads it
            o.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            foreach (var proxy in proxies)
            {
                o.KnownProxies.Add(proxy);
            }

            foreach (var network in networks)
            {
                o.KnownIPNetworks.Add(network);
            }

            // Walk X-Forwarded-For from the right while each hop is a trusted proxy; the first other address is
            // the client. Entries left of it are whatever the client wrote and are never read.
            o.ForwardLimit = null;
        });
        services.AddSingleton<ClientAddress>();
        return services;
    }

    /// <summary>
    /// Runs after the Socket.IO door, so that a handshake keeps its peer address from either door (HTTP or the
    /// connection's own) and <see cref="ClientAddress"/> applies these same rules to it once.
    /// </summary>
    public static WebApplication UseFatechatForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<ClientAddress>().TrustsProxies)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    private static (List<IPAddress> Proxies, List<System.Net.IPNetwork> Networks) Parse(string setting)
    {
        var proxies = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in setting.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.Contains('/') && System.Net.IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (!entry.Contains('/') && IPAddress.TryParse(entry, out var address))
            {
                proxies.Add(address);
            }
            else
            {
                throw new FatechatConfigurationException(
                    $"Fatechat:Server:TrustedProxies: '{entry}' is neither an IP address nor a network such as 10.0.0.0/8.");
            }
        }

        return (proxies, networks);
    }
}
