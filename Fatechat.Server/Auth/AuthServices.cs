using Fatechat.Server.Storage;
using Microsoft.AspNetCore.Authentication;

namespace Fatechat.Server.Auth;

internal static class AuthServices
{
    public static IServiceCollection AddFatechatAuth(this IServiceCollection services)
    {
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<NodeAppTables>();
        services.AddSingleton<JwtTokenService>();
        services.AddAuthentication(JwtAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, JwtAuthenticationHandler>(JwtAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddAuthRateLimits();
        return services;
    }
}
