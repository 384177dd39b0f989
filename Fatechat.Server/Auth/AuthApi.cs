using Fatechat.Server.Api;
using Fatechat.Server.Hosting;
using Fatechat.Server.Options;
using Fatechat.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Auth;

/// <summary><c>POST /api/register</c> and <c>POST /api/login</c>; no token needed.</summary>
internal static class AuthApi
{
    public static RouteGroupBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Auth");
        group.MapPost("/register", RegisterAsync).ProducesBodyErrors().RequireRateLimiting(AuthRateLimits.RegisterPolicy)
            .WithSummary("Create an account")
            .WithDescription("400 for a bad e-mail or a weak password, 409 when the e-mail is taken, 429 (with Retry-After) past the per-address or per-e-mail limit.");
        group.MapPost("/login", LoginAsync).ProducesBodyErrors().RequireRateLimiting(AuthRateLimits.LoginPolicy)
            .Produces<ErrorResponse>(StatusCodes.Status401Unauthorized, "application/json")
            .WithSummary("Log in for a token")
            .WithDescription("400 when a field is missing, 401 \"Invalid credentials\", 429 (with Retry-After) past the per-address limit or the account's limit of failed logins.");
        return group;
    }

    private static async Task<Results<Ok<TokenResponse>, BadRequest<ErrorResponse>, Conflict<ErrorResponse>, RateLimitedResult>> RegisterAsync(
        CredentialsRequest body,
        IUserRepository users,
        PasswordHasher hasher,
        JwtTokenService tokens,
        IOptions<AuthOptions> options,
        TimeProvider time,
        AccountAttemptLimiter limits,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        if (limits.BeforeRegistration(body.NormalizedEmail, context) is { } refused)
        {
            return refused;
        }

        if (body.ValidateForRegistration(options.Value) is { } problem)
        {
            return TypedResults.BadRequest(new ErrorResponse(problem));
        }

        var email = body.NormalizedEmail;
        var account = await users.TryCreateAsync(email, await hasher.HashAsync(body.Password!), time.UtcNowMilliseconds(), cancellationToken);
        if (account is null)
        {
            return TypedResults.Conflict(new ErrorResponse("Email already registered"));
        }

        return TypedResults.Ok(new TokenResponse(tokens.CreateToken(new ChatUser(account.Id, account.Email))));
    }

    private static async Task<Results<Ok<TokenResponse>, BadRequest<ErrorResponse>, JsonHttpResult<ErrorResponse>, RateLimitedResult>> LoginAsync(
        CredentialsRequest body,
        IUserRepository users,
        PasswordHasher hasher,
        JwtTokenService tokens,
        AccountAttemptLimiter limits,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.Email) || string.IsNullOrEmpty(body.Password))
        {
            return TypedResults.BadRequest(new ErrorResponse("Email and password are required"));
        }

        var email = body.NormalizedEmail;
        if (limits.BeforeLogin(email, context) is { } refused)
        {
            return refused;
        }

        var account = await users.FindByEmailAsync(email, cancellationToken);
        if (!await hasher.VerifyAsync(body.Password, account?.PasswordHash) || account is null)
        {
            limits.LoginFailed(email, account is null ? "no such account" : "wrong password", context);
            return TypedResults.Json(new ErrorResponse("Invalid credentials"), statusCode: StatusCodes.Status401Unauthorized);
        }

        return TypedResults.Ok(new TokenResponse(tokens.CreateToken(new ChatUser(account.Id, account.Email))));
    }
}
