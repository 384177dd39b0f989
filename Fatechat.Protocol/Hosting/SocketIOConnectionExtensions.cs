using Fatechat.Protocol.EngineIO;
using Fatechat.Protocol.EngineIO.Transports;
using Fatechat.Protocol.SocketIO;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fatechat.Protocol.Hosting;

/// <summary>
/// Serves engine WebSockets from Kestrel connection middleware, below the HTTP layer (the connection door, see
/// <see cref="ConnectionWebSocketEndpoint"/>): the <see cref="SocketIOServer"/>'s engine and every
/// <see cref="EngineIOServer"/> registered as a service. Polling, refusals and every other request still reach the
/// HTTP pipeline, so <c>UseSocketIO()</c>, <c>MapSocketIO()</c> or <c>MapEngineIO()</c> is still needed beside it.
/// </summary>
public static class SocketIOConnectionExtensions
{
    /// <summary>
    /// Adds the connection middleware to every endpoint Kestrel listens on, including those from URLs. Kestrel adds
    /// its TLS middleware after endpoint defaults, so on an HTTPS endpoint this middleware would see ciphertext: it
    /// then leaves every connection to the HTTP door, which serves it as well. To serve TLS connections here, call
    /// <see cref="UseSocketIOWebSockets(ListenOptions)"/> after <c>UseHttps()</c> on that endpoint instead.
    /// </summary>
    public static IWebHostBuilder UseSocketIOWebSockets(this IWebHostBuilder builder) =>
        builder.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.UseSocketIOWebSockets()));

    /// <summary>Adds the connection middleware to one endpoint, after whatever was added to it before (such as TLS).</summary>
    public static ListenOptions UseSocketIOWebSockets(this ListenOptions listen)
    {
        IReadOnlyList<EngineIOServer>? engines = null;
        RequestHeadLimits limits = default;
        listen.Use(next => async connection =>
        {
            // Resolved on the first connection: the container is complete by then.
            if (engines is null)
            {
                var services = listen.ApplicationServices;
                limits = RequestHeadLimits.From(services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits);
                engines = EnginesOf(services);
            }

            if (engines.Count == 0 || !await ConnectionWebSocketEndpoint.TryServeAsync(engines, connection, limits))
            {
                await next(connection);
            }
        });
        return listen;
    }

    private static IReadOnlyList<EngineIOServer> EnginesOf(IServiceProvider services)
    {
        var engines = new List<EngineIOServer>();
        if (services.GetService<SocketIOServer>() is { } io)
        {
            engines.Add(io.Engine);
        }

        foreach (var engine in services.GetServices<EngineIOServer>())
        {
            if (!engines.Contains(engine))
            {
                engines.Add(engine);
            }
        }

        return engines;
    }
}
