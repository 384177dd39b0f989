using System.Text.Encodings.Web;
using Fatechat.Server.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Auth;

/// <summary>
/// Authenticates REST calls from the <c>Authorization</c> header and answers a failed challenge with the Node
/// server's 401 bodies: "Unauthorized: No token provided" or "Unauthorized: Invalid token".
/// </summary>
internal sealed class JwtAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    JwtTokenService tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "FatechatJwt";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = JwtTokenService.ExtractToken(Request.Headers.Authorization);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        var user = await tokens.ValidateAsync(token, Context.RequestAborted);
        return user is null
            ? AuthenticateResult.Fail("Unauthorized: Invalid token")
            : AuthenticateResult.Success(new AuthenticationTicket(user.ToPrincipal(SchemeName), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var message = JwtTokenService.ExtractToken(Request.Headers.Authorization) is null
            ? "Unauthorized: No token provided"
            : "Unauthorized: Invalid token";
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Response.WriteAsJsonAsync(new ErrorResponse(message));
    }
}
