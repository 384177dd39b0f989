using System.Threading.RateLimiting;
using Fatechat.Server.Api;

namespace Fatechat.Server.Auth;

/// <summary>
/// Logs a rate-limit refusal at most once per <see cref="AuthLog.RefusalLogInterval"/> for each limit and key: a
/// client that keeps hammering a closed door writes one line, not one per request. A rate limiter decides, so
/// the keys it remembers are forgotten once idle.
/// </summary>
internal sealed class RefusalLogGate(ILogger<RefusalLogGate> logger) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _gate = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = 1,
            Window = AuthLog.RefusalLogInterval,
            QueueLimit = 0,
        }));

    public void RateLimited(string limit, string key, string clientAddress, TimeSpan retryAfter)
    {
        // Every refusal is counted; only the first per limit and key in an interval is logged.
        Diagnostics.ServerMetrics.RateLimitRefused(limit);
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        using var lease = _gate.AttemptAcquire(limit + "\n" + key);
        if (lease.IsAcquired)
        {
            AuthLog.RateLimited(logger, limit, AuthLog.Printable(key), clientAddress, RateLimitedResult.Seconds(retryAfter));
        }
    }

    public void Dispose() => _gate.Dispose();
}
