using Fatechat.Server.Diagnostics;
using StackExchange.Redis;

namespace Fatechat.Server.Caching;

/// <summary>
/// Keeps this node's presence alive in Redis: a heartbeat every third of the TTL, and at once when the connection
/// comes back, so a node that was cut off republishes its sockets within moments of Redis answering again.
/// </summary>
internal sealed partial class RedisPresenceHeartbeat(
    RedisPresenceStore store,
    IConnectionMultiplexer redis,
    ILogger<RedisPresenceHeartbeat> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>The first heartbeat runs before Kestrel accepts sockets, so this node's first joins already count.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        await BeatAsync();
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored -= OnConnectionRestored;
        await base.StopAsync(cancellationToken);
        try
        {
            await store.LeaveAsync().WaitAsync(cancellationToken);
        }
        catch (Exception e) when (RedisConnector.IsUnavailable(e) || e is OperationCanceledException)
        {
            // The heartbeat key expires by itself; other nodes then drop this node's sockets.
            LogLeaveFailed(store.NodeId, e);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = store.HeartbeatTtl / 3;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await BeatAsync();
        }
    }

    private async Task BeatAsync()
    {
        try
        {
            await store.HeartbeatAsync();
        }
        catch (Exception e) when (RedisConnector.IsUnavailable(e))
        {
            ServerMetrics.BackendFailed(ServerMetrics.Backends.Redis);
            LogHeartbeatFailed(store.NodeId, e);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already woken by another connection of the multiplexer.
            }
        }
    }

    [LoggerMessage(EventId = 4231, Level = LogLevel.Warning, Message = "Presence heartbeat of node {NodeId} could not reach Redis; presence answers from this node's view")]
    private partial void LogHeartbeatFailed(string nodeId, Exception exception);

    [LoggerMessage(EventId = 4232, Level = LogLevel.Information, Message = "Node {NodeId} could not withdraw its presence on shutdown; its heartbeat key will expire instead")]
    private partial void LogLeaveFailed(string nodeId, Exception exception);
}
