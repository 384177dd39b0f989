using Fatechat.Protocol.EngineIO;
using Fatechat.Protocol.SocketIO;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fatechat.Protocol.Hosting;

/// <summary>Registers and maps Socket.IO (and bare Engine.IO) endpoints on ASP.NET Core.</summary>
public static class SocketIOHostingExtensions
{
    /// <summary>Adds a singleton <see cref="SocketIOServer"/>, closed when the host stops.</summary>
    public static IServiceCollection AddSocketIO(this IServiceCollection services, Action<SocketIOOptions>? configure = null)
    {
        services.AddSingleton(provider =>
        {
            var options = new SocketIOOptions();
            configure?.Invoke(options);
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Fatechat.Protocol.SocketIO");
            var server = new SocketIOServer(options, logger, provider.GetService<TimeProvider>());
            provider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(server.Engine.CloseAll);
            return server;
        });
        return services;
    }

    /// <summary>
    /// Maps the Socket.IO endpoint at its path (default <c>/socket.io/</c>) and the client bundle beneath it.
    /// WebSocket upgrades are handled by the endpoint itself; no WebSocket middleware is needed.
    /// </summary>
    public static IEndpointConventionBuilder MapSocketIO(this IEndpointRouteBuilder endpoints)
    {
        var server = endpoints.ServiceProvider.GetRequiredService<SocketIOServer>();
        string path = server.Options.Engine.Path;
        if (server.Options.ServeClient)
        {
            foreach (string file in ClientBundle.FileNames)
            {
                endpoints.MapGet(path + file, context => ClientBundle.ServeAsync(context, file));
            }
        }

        return endpoints.MapEngineIO(server.Engine);
    }

    /// <summary>Maps an Engine.IO endpoint at <see cref="EngineIOOptions.Path"/>, every method.</summary>
    public static IEndpointConventionBuilder MapEngineIO(this IEndpointRouteBuilder endpoints, EngineIOServer engine) =>
        endpoints.Map(engine.Options.Path, engine.HandleRequestAsync);
}
