using Fatechat.Protocol.EngineIO;
using Fatechat.Protocol.EngineIO.Transports;
using Fatechat.Protocol.SocketIO;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fatechat.Protocol.Hosting;

/// <summary>
/// Serves Socket.IO WebSockets from Kestrel connection middleware, below the HTTP layer (see
/// <see cref="ConnectionWebSocketEndpoint"/>). Polling, refusals and every other request still reach the HTTP
/// pipeline, so <c>UseSocketIO()</c> or <c>MapSocketIO()</c> is still needed beside it.
/// </summary>
public static class SocketIOConnectionExtensions
{
    /// <summary>Adds the connection middleware to every endpoint Kestrel listens on, including those from URLs.</summary>
    public static IWebHostBuilder UseSocketIOWebSockets(this IWebHostBuilder builder) =>
        builder.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.UseSocketIOWebSockets()));

    /// <summary>Adds the connection middleware to one endpoint, for the <see cref="SocketIOServer"/> in its services.</summary>
    public static ListenOptions UseSocketIOWebSockets(this ListenOptions listen)
    {
        EngineIOServer? engine = null;
        RequestHeadLimits limits = default;
        listen.Use(next => async connection =>
        {
            // Resolved on the first connection: the container is complete by then.
            if (engine is null)
            {
                limits = RequestHeadLimits.From(listen.ApplicationServices.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits);
                engine = listen.ApplicationServices.GetRequiredService<SocketIOServer>().Engine;
            }

            if (!await ConnectionWebSocketEndpoint.TryServeAsync(engine, connection, limits))
            {
                await next(connection);
            }
        });
        return listen;
    }
}
