using System.Threading.RateLimiting;
using Fatechat.Server.Api;
using Fatechat.Server.Hosting;
using Fatechat.Server.Options;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Auth;

/// <summary>
/// Per-address limits of login and registration: ASP.NET Core's rate-limiting middleware, one token bucket per
/// client address (behind a trusted proxy, the forwarded one). The per-account limits need the e-mail from the
/// body and live in <see cref="AccountAttemptLimiter"/>; both answer with <see cref="RateLimitedResult"/>.
/// </summary>
internal static class AuthRateLimits
{
    public const string LoginPolicy = "login-per-ip";
    public const string RegisterPolicy = "register-per-ip";

    public static IServiceCollection AddAuthRateLimits(this IServiceCollection services)
    {
        services.AddSingleton<AccountAttemptLimiter>();
        services.AddSingleton<RefusalLogGate>();
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(LoginPolicy, context => PerAddress(context, limits => limits.LoginPerIp));
            o.AddPolicy(RegisterPolicy, context => PerAddress(context, limits => limits.RegisterPerIp));
            o.OnRejected = (rejected, _) =>
            {
                var context = rejected.HttpContext;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "per-ip";
                var address = ClientAddress.Of(context);
                context.RequestServices.GetRequiredService<RefusalLogGate>().RateLimited(policy, address, address, retryAfter);
                return new ValueTask(new RateLimitedResult(retryAfter).ExecuteAsync(context));
            };
        });
        return services;
    }

    /// <summary>A token bucket per address from <paramref name="limit"/>; no limit when it is off.</summary>
    private static RateLimitPartition<string> PerAddress(HttpContext context, Func<RateLimitOptions, WindowLimit> limit)
    {
        var address = ClientAddress.Of(context);
        var window = limit(context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value);
        return window.IsOn
            ? RateLimitPartition.GetTokenBucketLimiter(address, _ => TokenBucket(window))
            : RateLimitPartition.GetNoLimiter(address);
    }

    /// <summary>
    /// A burst of <c>PermitLimit</c>, then one token per <c>WindowSeconds / PermitLimit</c>: a client that ran out
    /// waits for one token (Retry-After says how long), not for a whole window. Nothing queues: an attempt is
    /// answered at once.
    /// </summary>
    internal static TokenBucketRateLimiterOptions TokenBucket(WindowLimit window) => new()
    {
        TokenLimit = window.PermitLimit,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = window.TokenPeriod,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
