using System.Data.Common;
using StackExchange.Redis;

namespace Fatechat.Server.Diagnostics;

/// <summary>
/// Counts a backend failure that escaped to a request or socket handler, by the exception's type. Adapters that
/// ride out a failure themselves (the Redis fallbacks, the pipeline's store retries, the Kafka clients) count at
/// the call; Kafka exceptions are always counted there, so they are not counted again here.
/// </summary>
internal static class BackendFailures
{
    /// <summary>Counts <paramref name="exception"/> if a backend threw it; false, so that it serves as an exception filter that catches nothing.</summary>
    public static bool CountEscaped(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DbException:
                    ServerMetrics.BackendFailed(ServerMetrics.Backends.Storage);
                    return false;
                case RedisException:
                    ServerMetrics.BackendFailed(ServerMetrics.Backends.Redis);
                    return false;
            }
        }

        return false;
    }
}
