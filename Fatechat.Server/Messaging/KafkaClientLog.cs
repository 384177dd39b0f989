using Confluent.Kafka;

namespace Fatechat.Server.Messaging;

/// <summary>
/// What Kafka clients say, through the app's logger rather than raw lines on stderr:
/// <list type="bullet">
/// <item>librdkafka's own log goes in at Debug (Trace for its chatter): the error handler reports the same failures
/// with meaning;</item>
/// <item>an error the client keeps reporting (a broker that cannot be reached reports one every few milliseconds)
/// is logged once per <see cref="RepeatInterval"/>, with how many were held back.</item>
/// </list>
/// </summary>
internal sealed class KafkaClientLog(ILogger logger)
{
    public static readonly TimeSpan RepeatInterval = TimeSpan.FromSeconds(30);

    private readonly Dictionary<ErrorCode, (DateTime Last, int HeldBack)> _errors = [];

    public void OnLog(LogMessage message) =>
        logger.Log(message.Level <= SyslogLevel.Warning ? LogLevel.Debug : LogLevel.Trace,
            "librdkafka {Name} {Facility}: {Message}", message.Name, message.Facility, message.Message);

    /// <summary>True when this error should be logged now; <paramref name="heldBack"/> says how many repeats were not.</summary>
    public bool ShouldLog(ErrorCode code, out int heldBack)
    {
        var now = DateTime.UtcNow;
        heldBack = 0;
        // Locked: sends fail together (all at the end of one timeout), and each must see the others' count.
        lock (_errors)
        {
            if (!_errors.TryGetValue(code, out var entry))
            {
                entry = (DateTime.MinValue, 0);
            }

            if (now - entry.Last < RepeatInterval)
            {
                _errors[code] = (entry.Last, entry.HeldBack + 1);
                return false;
            }

            heldBack = entry.HeldBack;
            _errors[code] = (now, 0);
            return true;
        }
    }
}
