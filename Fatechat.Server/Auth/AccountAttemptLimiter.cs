using System.Threading.RateLimiting;
using Fatechat.Server.Api;
using Fatechat.Server.Hosting;
using Fatechat.Server.Options;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Auth;

/// <summary>
/// Limits per account (the normalised e-mail of the body), wherever the attempts come from: failed logins, and
/// registrations of one address. A login is refused before its password is checked: were a right password let
/// through while the account is blocked, a 200 among 429s would tell a guesser when it had guessed right.
/// Only failures count, so the owner's own logins never use the budget up; what an attacker's failures cost the
/// owner is described in docs/configuration.md. Failed logins and refusals are logged here too.
/// </summary>
internal sealed class AccountAttemptLimiter : IDisposable
{
    private const string LoginLimit = "login-failures-per-account";
    private const string RegisterLimit = "register-per-account";

    // Keys are capped: the e-mail is whatever the body said, and a partition lives until it is idle.
    private const int MaxKeyLength = 254;

    private readonly PartitionedRateLimiter<string> _loginFailures;
    private readonly PartitionedRateLimiter<string> _registrations;

    private readonly RefusalLogGate _refusals;
    private readonly ILogger _logger;

    public AccountAttemptLimiter(IOptions<RateLimitOptions> options, RefusalLogGate refusals, ILogger<AccountAttemptLimiter> logger)
    {
        _refusals = refusals;
        _logger = logger;
        _loginFailures = Create(options.Value.LoginFailuresPerAccount);
        _registrations = Create(options.Value.RegisterPerAccount);
    }

    /// <summary>Null when a login for <paramref name="email"/> may go ahead; else the 429 to answer.</summary>
    public RateLimitedResult? BeforeLogin(string email, HttpContext context)
    {
        // Asking for no token tells whether one is left without taking it.
        using var probe = _loginFailures.AttemptAcquire(Key(email), 0);
        return probe.IsAcquired ? null : Refuse(LoginLimit, email, context, probe);
    }

    /// <summary>Counts a failed login against the account and logs it (the reason and the address, never the password).</summary>
    public void LoginFailed(string email, string reason, HttpContext context)
    {
        _loginFailures.AttemptAcquire(Key(email), 1).Dispose();
        AuthLog.LoginFailed(_logger, AuthLog.Printable(email), ClientAddress.Of(context), reason);
    }

    /// <summary>Counts a registration attempt for <paramref name="email"/>: null when it may go ahead; else the 429 to answer.</summary>
    public RateLimitedResult? BeforeRegistration(string email, HttpContext context)
    {
        using var lease = _registrations.AttemptAcquire(Key(email), 1);
        return lease.IsAcquired ? null : Refuse(RegisterLimit, email, context, lease);
    }

    public void Dispose()
    {
        _loginFailures.Dispose();
        _registrations.Dispose();
    }

    private static PartitionedRateLimiter<string> Create(WindowLimit window) => PartitionedRateLimiter.Create<string, string>(key =>
        window.IsOn
            ? RateLimitPartition.GetTokenBucketLimiter(key, _ => AuthRateLimits.TokenBucket(window))
            : RateLimitPartition.GetNoLimiter(key));

    private static string Key(string email) => email.Length <= MaxKeyLength ? email : email[..MaxKeyLength];

    private RateLimitedResult Refuse(string limit, string email, HttpContext context, RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        _refusals.RateLimited(limit, email, ClientAddress.Of(context), retryAfter);
        return new RateLimitedResult(retryAfter);
    }
}
