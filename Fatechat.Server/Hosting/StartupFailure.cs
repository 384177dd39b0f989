namespace Fatechat.Server.Hosting;

/// <summary>
/// A server that cannot start says why in one line and exits with 1, rather than a stack trace and SIGABRT: a bad
/// setting, a port that is taken, a database or Kafka it cannot reach. While it starts, the host's and Kestrel's own
/// error logs of that failure (each with a stack trace) are held back, since <see cref="Describe"/> says the same.
/// </summary>
internal static class StartupFailure
{
    private static volatile bool s_starting = true;

    /// <summary>Called once the host has started: from then on every error is logged as configured.</summary>
    public static void Started() => s_starting = false;

    /// <summary>Holds back, while starting, the error logs that duplicate the failure <see cref="Describe"/> will print.</summary>
    public static ILoggingBuilder HoldBackStartupErrors(this ILoggingBuilder logging)
    {
        // Level rules stay as configured ("Microsoft.AspNetCore": Warning); these two categories only drop their
        // start-up errors. A filter on a category replaces the configured level for it, hence the explicit levels.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level => level >= LogLevel.Information && !(s_starting && level >= LogLevel.Error));
        logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", level => level >= LogLevel.Warning && !(s_starting && level >= LogLevel.Error));
        return logging;
    }

    /// <summary>The messages of the exception and its causes, without types or stack, in one line.</summary>
    public static string Describe(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is AggregateException { InnerExceptions.Count: > 1 } many)
            {
                messages.AddRange(many.InnerExceptions.Select(inner => inner.Message));
                break;
            }

            var message = e.Message.Trim();
            if (message.Length > 0 && !messages.Any(m => m.Contains(message, StringComparison.Ordinal)))
            {
                messages.Add(message);
            }
        }

        return string.Join(": ", messages).ReplaceLineEndings(" ");
    }
}
