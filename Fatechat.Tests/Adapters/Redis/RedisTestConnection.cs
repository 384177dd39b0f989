using Fatechat.Server.Caching;
using Fatechat.Server.Options;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Fatechat.Tests.Adapters.Redis;

/// <summary>
/// A connection to the shared Redis made the way the server makes it, with a key prefix of its own so that
/// fixtures and parallel runs never see each other's keys; those keys are deleted on dispose.
/// </summary>
internal sealed class RedisTestConnection : IAsyncDisposable
{
    private readonly bool _ownsKeys;

    private RedisTestConnection(ConnectionMultiplexer redis, string prefix, bool ownsKeys)
    {
        Redis = redis;
        Keys = new RedisKeys(prefix);
        _ownsKeys = ownsKeys;
    }

    public ConnectionMultiplexer Redis { get; }

    public RedisKeys Keys { get; }

    public IDatabase Database => Redis.GetDatabase();

    /// <summary>
    /// Connects to <paramref name="configuration"/> (default: the shared Redis) under a fresh prefix, whose keys it
    /// deletes on dispose, or under the prefix of another connection, which owns the keys.
    /// </summary>
    public static RedisTestConnection Create(string? configuration = null, string? prefix = null)
    {
        var redis = RedisConnector.Connect(configuration ?? RealServices.RequireRedis(), NullLogger.Instance);
        return new RedisTestConnection(redis, prefix ?? $"fatechat-test:{Guid.NewGuid():N}:", ownsKeys: prefix is null);
    }

    public RedisRecentMessageCache NewCache(int cap) => new(Redis, Keys,
        MsOptions.Create(new ChatOptions { RecentMessagesCap = cap }), NullLogger<RedisRecentMessageCache>.Instance);

    public RedisPresenceStore NewPresence(string nodeId, int ttlSeconds = 20) => new(Redis, Keys,
        MsOptions.Create(new FatechatOptions { NodeId = nodeId }),
        MsOptions.Create(new RedisOptions { KeyPrefix = Keys.Prefix, PresenceTtlSeconds = ttlSeconds }),
        NullLogger<RedisPresenceStore>.Instance);

    public async ValueTask DisposeAsync()
    {
        try
        {
            var server = _ownsKeys ? Redis.GetServers().FirstOrDefault(s => s.IsConnected) : null;
            if (server is not null)
            {
                var keys = new List<RedisKey>();
                await foreach (var key in server.KeysAsync(pattern: Keys.Prefix + "*", pageSize: 500))
                {
                    keys.Add(key);
                }

                if (keys.Count > 0)
                {
                    await Database.KeyDeleteAsync(keys.ToArray());
                }
            }
        }
        finally
        {
            await Redis.DisposeAsync();
        }
    }
}
