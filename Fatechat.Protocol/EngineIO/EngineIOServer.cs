using System.Collections.Concurrent;
using System.Security.Cryptography;
using Fatechat.Protocol.Diagnostics;
using Fatechat.Protocol.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fatechat.Protocol.EngineIO;

/// <summary>
/// An Engine.IO endpoint: the live sessions, the heartbeat scanner, and the factory for the layer above.
/// Usable alone (as Node's <c>engine.io</c> package is) or under Socket.IO.
/// </summary>
public sealed class EngineIOServer : IDisposable
{
    private readonly ConcurrentDictionary<string, EngineConnection> _connections = new(StringComparer.Ordinal);
    private readonly Func<EngineConnection, IEngineConnectionHandler> _onConnection;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();

    public EngineIOServer(
        EngineIOOptions options,
        Func<EngineConnection, IEngineConnectionHandler> onConnection,
        TimeProvider? time = null,
        ILogger? logger = null)
    {
        Options = options;
        _onConnection = onConnection;
        _time = time ?? TimeProvider.System;
        Logger = logger ?? NullLogger.Instance;
        PingIntervalTicks = ToTicks(options.PingIntervalMs);
        PingTimeoutTicks = ToTicks(options.PingTimeoutMs);
        CloseTimeoutTicks = ToTicks(options.CloseTimeoutMs);
        _ = ScanHeartbeatsAsync(_stopping.Token);
        ProtocolMetrics.Track(this);
    }

    public EngineIOOptions Options { get; }

    internal ILogger Logger { get; }
    internal long Now => _time.GetTimestamp();
    internal long PingIntervalTicks { get; }
    internal long PingTimeoutTicks { get; }
    internal long CloseTimeoutTicks { get; }

    /// <summary>How long a closed WebSocket may take to flush before it is aborted.</summary>
    internal TimeSpan CloseGracePeriod { get; } = TimeSpan.FromSeconds(1);

    /// <summary><see cref="CloseGracePeriod"/> on the heartbeat clock.</summary>
    internal long CloseGracePeriodTicks => ToTicks((int)CloseGracePeriod.TotalMilliseconds);

    /// <summary>Handles one HTTP request under <see cref="EngineIOOptions.Path"/>.</summary>
    public Task HandleRequestAsync(Microsoft.AspNetCore.Http.HttpContext context) =>
        EngineIORequestHandler.HandleAsync(this, context);

    /// <summary>Closes every session (server shutdown).</summary>
    public void CloseAll()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Close(CloseReasons.ServerShuttingDown);
        }
    }

    public void Dispose()
    {
        ProtocolMetrics.Untrack(this);
        _stopping.Cancel();
        CloseAll();
    }

    internal bool TryGet(string sid, out EngineConnection connection)
    {
        if (!_connections.TryGetValue(sid, out connection!))
        {
            return false;
        }

        if (connection.HasTimedOut(Now))
        {
            connection.Close(CloseReasons.PingTimeout);
            return false;
        }

        return connection.IsOpen || connection.IsDraining;
    }

    internal EngineConnection Open(EngineHandshake handshake, string transport, int protocol = 4, bool supportsBinary = true)
    {
        var connection = new EngineConnection(this, NewSessionId(), handshake, transport, protocol, supportsBinary);
        _connections[connection.Id] = connection;
        ProtocolMetrics.ConnectionOpened(connection);
        ProtocolLog.ConnectionOpened(Logger, connection.Id, transport, protocol);
        connection.Handler = _onConnection(connection);
        return connection;
    }

    /// <summary>Sessions held now, open or draining.</summary>
    internal int SessionCount => _connections.Count;

    internal void Remove(EngineConnection connection) => _connections.TryRemove(connection.Id, out _);

    /// <summary>Adds the open sessions to the counts of their transport (for the connections gauge).</summary>
    internal void CountOpenConnections(ref int polling, ref int websocket)
    {
        foreach (var (_, connection) in _connections)
        {
            if (!connection.IsOpen)
            {
                continue;
            }

            if (connection.Transport == EngineConnection.WebSocketName)
            {
                websocket++;
            }
            else
            {
                polling++;
            }
        }
    }

    internal DateTimeOffset UtcNow => _time.GetUtcNow();

    /// <summary>16 cryptographically random bytes, Base64Url: unguessable, so a sid cannot be hijacked.</summary>
    private static string NewSessionId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private long ToTicks(int milliseconds) => milliseconds * _time.TimestampFrequency / 1000;

    /// <summary>
    /// One scanner for all sessions instead of two timers per session. Its period is a fraction of the shorter
    /// heartbeat setting, so pings leave close to on time.
    /// </summary>
    private async Task ScanHeartbeatsAsync(CancellationToken stopping)
    {
        int periodMs = Math.Clamp(Math.Min(Options.PingIntervalMs, Options.PingTimeoutMs) / 10, 5, 1000);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(periodMs), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                long now = Now;
                foreach (var connection in _connections.Values)
                {
                    connection.Tick(now);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
