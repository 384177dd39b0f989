using System.Collections.Concurrent;

namespace Fatechat.Server.Caching;

/// <summary>Session records for a single node; expired ones are dropped when read or touched, and swept on save.</summary>
public sealed class InMemorySessionRecordStore(TimeProvider time) : ISessionRecordStore
{
    private readonly ConcurrentDictionary<string, (SessionRecord Record, DateTimeOffset Expires)> _records = new(StringComparer.Ordinal);

    public ValueTask SaveAsync(string pid, SessionRecord record, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        _records[pid] = (record, now + lifetime);
        if (_records.Count % 1024 == 0)
        {
            foreach (var (key, entry) in _records)
            {
                if (entry.Expires <= now)
                {
                    _records.TryRemove(key, out _);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<SessionRecord?> GetAsync(string pid, CancellationToken cancellationToken)
    {
        if (_records.TryGetValue(pid, out var entry) && entry.Expires > time.GetUtcNow())
        {
            return ValueTask.FromResult<SessionRecord?>(entry.Record);
        }

        _records.TryRemove(pid, out _);
        return ValueTask.FromResult<SessionRecord?>(null);
    }

    public ValueTask TouchAsync(IReadOnlyCollection<string> pids, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var pid in pids)
        {
            if (_records.TryGetValue(pid, out var entry) && entry.Expires > now)
            {
                _records[pid] = (entry.Record, now + lifetime);
            }
        }

        return ValueTask.CompletedTask;
    }
}
