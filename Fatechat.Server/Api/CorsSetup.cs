using Fatechat.Server.Options;

namespace Fatechat.Server.Api;

/// <summary>
/// CORS for the REST API from <c>Fatechat:Cors</c> (ASP.NET Core's CORS middleware: preflights answered, headers
/// on every answer). The Socket.IO handshake gets the same origins through the protocol's own CORS, since it is
/// served ahead of this middleware.
/// </summary>
internal static class CorsSetup
{
    public static IServiceCollection AddFatechatCors(this IServiceCollection services, IConfiguration configuration)
    {
        var cors = configuration.GetSection(CorsSettings.Section).Get<CorsSettings>() ?? new();
        services.AddCors(options => options.AddDefaultPolicy(policy =>
        {
            policy.AllowAnyHeader().AllowAnyMethod();
            bool anyOrigin = cors.Origins.Contains("*");
            if (anyOrigin && cors.Credentials)
            {
                // A browser refuses "*" with credentials: each origin is echoed back instead.
                policy.SetIsOriginAllowed(_ => true).AllowCredentials();
            }
            else if (anyOrigin)
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins(cors.Origins);
                if (cors.Credentials)
                {
                    policy.AllowCredentials();
                }
            }
        }));
        return services;
    }

    /// <summary>Adds the middleware only when origins are configured: otherwise no CORS header is ever sent.</summary>
    public static WebApplication UseFatechatCors(this WebApplication app)
    {
        var cors = app.Configuration.GetSection(CorsSettings.Section).Get<CorsSettings>() ?? new();
        if (cors.IsEnabled)
        {
            app.UseCors();
        }

        return app;
    }
}
