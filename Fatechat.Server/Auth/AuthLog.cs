namespace Fatechat.Server.Auth;

/// <summary>
/// Log events of access control, 2000–2099: REST sign-in 2001–2009, sockets 2011–2019. Never a password or a
/// token; addresses are the client's (<see cref="Hosting.ClientAddress"/>). Each line is bounded by a limit: failed
/// logins by the per-address limit, refusals to one key at most one line per <see cref="RefusalLogInterval"/>.
/// </summary>
internal static partial class AuthLog
{
    public static readonly TimeSpan RefusalLogInterval = TimeSpan.FromSeconds(10);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Login failed for {Email} from {ClientAddress}: {Reason}")]
    public static partial void LoginFailed(ILogger logger, string email, string clientAddress, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information,
        Message = "Rate limit {Limit} refused {Key} from {ClientAddress} with 429 for {RetryAfterSeconds} s (logged at most every 10 s per key)")]
    public static partial void RateLimited(ILogger logger, string limit, string key, string clientAddress, int retryAfterSeconds);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Socket {SocketId} from {ClientAddress} refused: {Reason}")]
    public static partial void SocketRefused(ILogger logger, string socketId, string clientAddress, string reason);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information,
        Message = "Socket {SocketId} of {User} from {ClientAddress} is over its {Limit} rate ({Event}); {Refused} events refused since the last report")]
    public static partial void SocketEventsLimited(ILogger logger, string socketId, string user, string clientAddress, string limit, string @event, long refused);

    /// <summary>Attacker-chosen text in one log line: control characters replaced, length capped.</summary>
    public static string Printable(string? text, int max = 254)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "(none)";
        }

        var span = text.AsSpan(0, Math.Min(text.Length, max));
        return string.Create(span.Length, text, (chars, source) =>
        {
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = char.IsControl(source[i]) || char.IsSurrogate(source[i]) ? '?' : source[i];
            }
        });
    }
}
