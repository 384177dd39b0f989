using Fatechat.Server.Options;

namespace Fatechat.Server.Chat;

/// <summary>
/// A token bucket refilled lazily from timestamps, so a socket costs no timer: <c>Burst</c> tokens at most, one
/// more every <c>1 / PerSecond</c> s. Also remembers the refusals in a row, so that a flood is reported (logged,
/// and told by an <c>error</c> event when there is no ack) when it starts, not once per refused event.
/// </summary>
internal sealed class EventBucket(EventRate rate, long now)
{
    private readonly Lock _lock = new();
    private double _tokens = rate.Burst;
    private long _refilledAt = now;
    private bool _refusing;
    private long _refusedSinceReport;
    private long? _reportedAt;

    /// <summary>Takes a token if there is one.</summary>
    /// <param name="now">A <see cref="TimeProvider.GetTimestamp"/> value.</param>
    /// <param name="frequency"><see cref="TimeProvider.TimestampFrequency"/>.</param>
    public EventVerdict TryTake(long now, long frequency, TimeSpan reportInterval, out long refusedSinceReport)
    {
        lock (_lock)
        {
            _tokens = Math.Min(rate.Burst, _tokens + (double)(now - _refilledAt) / frequency * rate.PerSecond);
            _refilledAt = now;
            refusedSinceReport = 0;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                _refusing = false;
                return EventVerdict.Admitted;
            }

            _refusedSinceReport++;
            var startsFlood = !_refusing;
            _refusing = true;
            if (_reportedAt is { } at && now - at < reportInterval.TotalSeconds * frequency)
            {
                return startsFlood ? EventVerdict.RefusedFirst : EventVerdict.Refused;
            }

            _reportedAt = now;
            refusedSinceReport = _refusedSinceReport;
            _refusedSinceReport = 0;
            return startsFlood ? EventVerdict.RefusedFirstAndReport : EventVerdict.RefusedAndReport;
        }
    }
}

/// <summary>What <see cref="EventBucket.TryTake"/> decided, and what the refusal should say beyond its ack.</summary>
internal enum EventVerdict
{
    Admitted,

    /// <summary>Refused, in a run of refusals already reported.</summary>
    Refused,

    /// <summary>The first refusal after an admitted event: a client without an ack is told once.</summary>
    RefusedFirst,

    /// <summary>Refused, and time to log the run (the last report is old enough).</summary>
    RefusedAndReport,

    RefusedFirstAndReport,
}
