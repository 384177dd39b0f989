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

    /// <summary>
    /// Serves Socket.IO (and the client bundle) at the very start of the pipeline instead of as an endpoint: a
    /// WebSocket or long-poll request then holds no routing, authentication or authorization state for its lifetime.
    /// </summary>
    public static IApplicationBuilder UseSocketIO(this IApplicationBuilder app)
    {
        var server = app.ApplicationServices.GetRequiredService<SocketIOServer>();
        var root = new PathString(server.Options.Engine.Path.TrimEnd('/'));
        return app.Use((context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(root, out PathString rest))
            {
                return next(context);
            }

            if (!rest.HasValue || rest.Value == "/")
            {
                return server.Engine.HandleRequestAsync(context);
            }

            string file = rest.Value![1..];
            bool isBundle = server.Options.ServeClient && Array.IndexOf(ClientBundle.FileNames, file) >= 0
                && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method));
            return isBundle ? ClientBundle.ServeAsync(context, file) : next(context);
        });
    }

    /// <summary>Maps an Engine.IO endpoint at <see cref="EngineIOOptions.Path"/>, every method.</summary>
    public static IEndpointConventionBuilder MapEngineIO(this IEndpointRouteBuilder endpoints, EngineIOServer engine) =>
        endpoints.Map(engine.Options.Path, engine.HandleRequestAsync);
}
