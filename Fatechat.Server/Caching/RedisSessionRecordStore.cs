using System.Text.Json;
using Fatechat.Server.Diagnostics;
using StackExchange.Redis;

namespace Fatechat.Server.Caching;

/// <summary>
/// Session records as one JSON string per private session id with a TTL, so that a client can recover on any node.
/// Redis unreachable: saves and touches are dropped and reads miss — the client then starts a fresh session.
/// </summary>
public sealed partial class RedisSessionRecordStore(IConnectionMultiplexer redis, RedisKeys keys, ILogger<RedisSessionRecordStore> logger) : ISessionRecordStore
{
    public async ValueTask SaveAsync(string pid, SessionRecord record, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(keys.Session(pid), JsonSerializer.Serialize(record), lifetime);
        }
        catch (Exception e) when (RedisConnector.IsUnavailable(e))
        {
            ServerMetrics.BackendFailed(ServerMetrics.Backends.Redis);
            LogUnavailable("save", e);
        }
    }

    public async ValueTask<SessionRecord?> GetAsync(string pid, CancellationToken cancellationToken)
    {
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(keys.Session(pid));
            return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<SessionRecord>(value.ToString());
        }
        catch (Exception e) when (RedisConnector.IsUnavailable(e))
        {
            ServerMetrics.BackendFailed(ServerMetrics.Backends.Redis);
            LogUnavailable("read", e);
            return null;
        }
    }

    public async ValueTask TouchAsync(IReadOnlyCollection<string> pids, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        if (pids.Count == 0)
        {
            return;
        }

        try
        {
            var batch = redis.GetDatabase().CreateBatch();
            var touches = pids.Select(pid => batch.KeyExpireAsync(keys.Session(pid), lifetime)).ToArray();
            batch.Execute();
            await Task.WhenAll(touches);
        }
        catch (Exception e) when (RedisConnector.IsUnavailable(e))
        {
            ServerMetrics.BackendFailed(ServerMetrics.Backends.Redis);
            LogUnavailable("touch", e);
        }
    }

    [LoggerMessage(EventId = 3211, Level = LogLevel.Warning, Message = "Redis unreachable: session records not {Operation}d; recovery falls back to fresh sessions")]
    private partial void LogUnavailable(string operation, Exception exception);
}
