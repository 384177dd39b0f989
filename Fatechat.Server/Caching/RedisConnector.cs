using StackExchange.Redis;

namespace Fatechat.Server.Caching;

/// <summary>Opens the process's one <see cref="ConnectionMultiplexer"/>, which every Redis adapter shares.</summary>
internal static partial class RedisConnector
{
    /// <summary>
    /// The configuration string passes through unchanged except for two settings the fallbacks depend on:
    /// <list type="bullet">
    /// <item><c>abortConnect=false</c>: the node starts while Redis is down and keeps reconnecting in the background;</item>
    /// <item>fail-fast backlog: while disconnected a command fails at once instead of queueing for the 5 s timeout,
    /// so the recent-message cache misses straight to the database and presence answers from the node's own view.</item>
    /// </list>
    /// </summary>
    public static ConnectionMultiplexer Connect(string configuration, ILogger logger)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        var multiplexer = ConnectionMultiplexer.Connect(options);
        multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(logger, e.EndPoint?.ToString(), e.ConnectionType, e.FailureType, e.Exception);
        multiplexer.ConnectionRestored += (_, e) => LogConnectionRestored(logger, e.EndPoint?.ToString(), e.ConnectionType);
        if (!multiplexer.IsConnected)
        {
            LogStartedDisconnected(logger, options.ToString(includePassword: false));
        }

        return multiplexer;
    }

    /// <summary>The failures that mean "Redis is unreachable right now", as opposed to a bug in a command.</summary>
    public static bool IsUnavailable(Exception e) => e is RedisConnectionException or RedisTimeoutException;

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Redis {EndPoint} ({ConnectionType}) connection failed: {FailureType}")]
    private static partial void LogConnectionFailed(ILogger logger, string? endPoint, ConnectionType connectionType, ConnectionFailureType failureType, Exception? exception);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "Redis {EndPoint} ({ConnectionType}) connection restored")]
    private static partial void LogConnectionRestored(ILogger logger, string? endPoint, ConnectionType connectionType);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "Redis {Configuration} is unreachable at start-up; cache and presence run degraded until it answers")]
    private static partial void LogStartedDisconnected(ILogger logger, string configuration);
}
