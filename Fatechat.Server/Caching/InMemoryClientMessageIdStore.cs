namespace Fatechat.Server.Caching;

/// <summary>
/// Client message id claims for a single node. Expired claims are swept at most once a minute, on a claim, so the
/// map holds roughly one time-to-live's worth of sends.
/// </summary>
public sealed class InMemoryClientMessageIdStore(TimeProvider time) : IClientMessageIdStore
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly Dictionary<ClientMessageKey, (ClientMessageClaim Claim, DateTimeOffset ExpiresAt)> _claims = [];
    private readonly Lock _lock = new();
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    /// <summary>Claims held, expired ones not yet swept included. Internal for testing.</summary>
    internal int Count
    {
        get
        {
            lock (_lock)
            {
                return _claims.Count;
            }
        }
    }

    public ValueTask<ClientMessageClaim?> TryClaimAsync(ClientMessageKey key, ClientMessageClaim claim, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            SweepIfDue(now);
            if (Live(key, now) is { } held)
            {
                return ValueTask.FromResult<ClientMessageClaim?>(held);
            }

            _claims[key] = (claim, now + ttl);
            return ValueTask.FromResult<ClientMessageClaim?>(null);
        }
    }

    public ValueTask<ClientMessageClaim?> GetAsync(ClientMessageKey key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(Live(key, time.GetUtcNow()));
        }
    }

    public ValueTask<bool> ReplaceAsync(ClientMessageKey key, ClientMessageClaim expected, ClientMessageClaim? replacement, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (Live(key, now) != expected)
            {
                return ValueTask.FromResult(false);
            }

            if (replacement is null)
            {
                _claims.Remove(key);
            }
            else
            {
                _claims[key] = (replacement, now + ttl);
            }

            return ValueTask.FromResult(true);
        }
    }

    private ClientMessageClaim? Live(ClientMessageKey key, DateTimeOffset now) =>
        _claims.TryGetValue(key, out var entry) && entry.ExpiresAt > now ? entry.Claim : null;

    private void SweepIfDue(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + SweepInterval;
        foreach (var (key, entry) in _claims)
        {
            if (entry.ExpiresAt <= now)
            {
                _claims.Remove(key);
            }
        }
    }
}
