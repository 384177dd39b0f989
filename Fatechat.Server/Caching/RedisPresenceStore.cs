using System.Collections.Concurrent;
using Fatechat.Server.Diagnostics;
using Fatechat.Server.Options;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Fatechat.Server.Caching;

/// <summary>
/// Presence shared by every node through Redis (see <see cref="RedisPresenceScripts"/> for the layout). Each node
/// also keeps its own sockets in memory:
/// <list type="bullet">
/// <item>Redis unreachable: answers come from that local view (who is online on this node), and the node is marked
/// out of sync;</item>
/// <item>the next heartbeat that reaches Redis replaces what this node published by the local view, so joins and
/// leaves made during the outage are neither lost nor left behind as ghosts;</item>
/// <item>a node that dies stops its heartbeat; once the key's TTL runs out its entries stop counting and are deleted
/// by the next read of their room.</item>
/// </list>
/// </summary>
public sealed partial class RedisPresenceStore : IPresenceStore
{
    private const int MaxResyncPasses = 5;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly ILogger<RedisPresenceStore> _logger;
    private readonly InMemoryPresenceStore _local = new();
    private readonly ConcurrentDictionary<PresenceEntry, byte> _localEntries = new();
    private readonly string _heartbeatValue = $"{Environment.ProcessId}@{DateTime.UtcNow:O}";

    // Start-up also "resyncs": it withdraws what an earlier process with this node id left behind.
    private volatile bool _outOfSync = true;
    private long _localVersion;

    public RedisPresenceStore(IConnectionMultiplexer redis, RedisKeys keys, IOptions<FatechatOptions> server,
        IOptions<RedisOptions> options, ILogger<RedisPresenceStore> logger)
    {
        _redis = redis;
        _keys = keys;
        _logger = logger;
        NodeId = server.Value.NodeId;
        HeartbeatTtl = TimeSpan.FromSeconds(Math.Max(1, options.Value.PresenceTtlSeconds));
        if (string.IsNullOrEmpty(NodeId) || NodeId.Contains('\n'))
        {
            throw new ArgumentException($"Node id '{NodeId}' must be non-empty and on one line.", nameof(server));
        }
    }

    public string NodeId { get; }

    /// <summary>How long this node's entries outlive its last heartbeat.</summary>
    public TimeSpan HeartbeatTtl { get; }

    /// <summary>True while the shared view may differ from this node's (Redis was unreachable for a write).</summary>
    public bool IsOutOfSync => _outOfSync;

    public async ValueTask<bool> AddAsync(PresenceEntry entry, CancellationToken cancellationToken)
    {
        EnsureOwn(entry);
        var cameOnline = await _local.AddAsync(entry, cancellationToken);
        _localEntries.TryAdd(entry, 0);
        Interlocked.Increment(ref _localVersion);
        try
        {
            var result = await _redis.GetDatabase().ScriptEvaluateAsync(RedisPresenceScripts.Add,
                [_keys.PresenceRoom(entry.RoomName), _keys.PresenceNodeRooms(NodeId)],
                [Field(entry), entry.UserMail, entry.RoomName, _keys.NodeHeartbeatPrefix]);
            return (long)result == 1;
        }
        catch (Exception e) when (RedisConnector.IsUnavailable(e))
        {
            ServerMetrics.BackendFailed(ServerMetrics.Backends.Redis);
            MarkOutOfSync("add", entry.RoomName, e);
            return cameOnline;
        }
    }

    public async ValueTask<bool> RemoveAsync(PresenceEntry entry, CancellationToken cancellationToken)
    {
        EnsureOwn(entry);
        var wentOffline = await _local.RemoveAsync(entry, cancellationToken);
        _localEntries.TryRemove(entry, out _);
        Interlocked.Increment(ref _localVersion);
        try
        {
            var result = await _redis.GetDatabase().ScriptEvaluateAsync(RedisPresenceScripts.Remove,
                [_keys.PresenceRoom(entry.RoomName)],
                [Field(entry), entry.UserMail, _keys.NodeHeartbeatPrefix]);
            return (long)result == 1;
        }
        catch (Exception e) when (RedisConnector.IsUnavailable(e))
        {
            ServerMetrics.BackendFailed(ServerMetrics.Backends.Redis);
            MarkOutOfSync("remove", entry.RoomName, e);
            return wentOffline;
        }
    }

    public async ValueTask<IReadOnlyList<string>> GetOnlineUsersAsync(string roomName, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _redis.GetDatabase().ScriptEvaluateAsync(RedisPresenceScripts.Online,
                [_keys.PresenceRoom(roomName)], [_keys.NodeHeartbeatPrefix]);
            var users = (string[])result!;
            return users.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (RedisConnector.IsUnavailable(e))
        {
            ServerMetrics.BackendFailed(ServerMetrics.Backends.Redis);
            LogDegradedRead(roomName, e);
            return await _local.GetOnlineUsersAsync(roomName, cancellationToken);
        }
    }

    /// <summary>
    /// Refreshes this node's heartbeat key, then republishes the local view if Redis may have lost or missed part
    /// of it: after a failed write, at start-up, or when the key had expired (other nodes may have deleted this
    /// node's entries as a dead node's). Throws while Redis is unreachable.
    /// </summary>
    public async Task HeartbeatAsync()
    {
        var previous = await _redis.GetDatabase().StringSetAndGetAsync(_keys.NodeHeartbeat(NodeId), _heartbeatValue, HeartbeatTtl);
        if (previous != _heartbeatValue)
        {
            _outOfSync = true;
        }

        if (_outOfSync)
        {
            await ResyncAsync();
        }
    }

    /// <summary>Withdraws this node from the shared view (graceful shutdown): its sockets stop counting at once.</summary>
    public async Task LeaveAsync()
    {
        var database = _redis.GetDatabase();
        await database.KeyDeleteAsync(_keys.NodeHeartbeat(NodeId));
        await database.ScriptEvaluateAsync(RedisPresenceScripts.Replace,
            [_keys.PresenceNodeRooms(NodeId)], [NodeId, _keys.PresenceRoomPrefix]);
    }

    /// <summary>
    /// Makes Redis hold exactly the local view for this node. A join or leave that runs meanwhile may be missing
    /// from the snapshot; the version check sees it and runs the replacement again, so the last write wins.
    /// </summary>
    private async Task ResyncAsync()
    {
        _outOfSync = false;
        for (var pass = 0; pass < MaxResyncPasses; pass++)
        {
            var version = Interlocked.Read(ref _localVersion);
            var snapshot = _localEntries.Keys.ToArray();
            var arguments = new RedisValue[2 + snapshot.Length * 3];
            arguments[0] = NodeId;
            arguments[1] = _keys.PresenceRoomPrefix;
            for (var i = 0; i < snapshot.Length; i++)
            {
                arguments[2 + i * 3] = snapshot[i].RoomName;
                arguments[3 + i * 3] = snapshot[i].SocketId;
                arguments[4 + i * 3] = snapshot[i].UserMail;
            }

            try
            {
                await _redis.GetDatabase().ScriptEvaluateAsync(RedisPresenceScripts.Replace, [_keys.PresenceNodeRooms(NodeId)], arguments);
            }
            catch
            {
                _outOfSync = true;
                throw;
            }

            if (Interlocked.Read(ref _localVersion) == version)
            {
                LogResynced(NodeId, snapshot.Length);
                return;
            }
        }

        _outOfSync = true;
    }

    private void EnsureOwn(PresenceEntry entry)
    {
        if (entry.NodeId != NodeId)
        {
            throw new ArgumentException($"Presence entry of node '{entry.NodeId}' given to node '{NodeId}'; a node publishes only its own sockets.", nameof(entry));
        }
    }

    private static RedisValue Field(PresenceEntry entry) => $"{entry.NodeId}\n{entry.SocketId}";

    private void MarkOutOfSync(string operation, string roomName, Exception e)
    {
        _outOfSync = true;
        LogDegradedWrite(operation, roomName, e);
    }

    [LoggerMessage(EventId = 4221, Level = LogLevel.Debug, Message = "Redis unreachable for presence {Operation} in room {RoomName}; kept in this node's view until Redis returns")]
    private partial void LogDegradedWrite(string operation, string roomName, Exception exception);

    [LoggerMessage(EventId = 4222, Level = LogLevel.Debug, Message = "Redis unreachable for the online users of room {RoomName}; answering from this node's view")]
    private partial void LogDegradedRead(string roomName, Exception exception);

    [LoggerMessage(EventId = 4223, Level = LogLevel.Information, Message = "Presence of node {NodeId} republished to Redis ({Count} sockets)")]
    private partial void LogResynced(string nodeId, int count);
}
