using System.Diagnostics.Metrics;

namespace Fatechat.Server.Diagnostics;

/// <summary>
/// The app's instruments, on the meter <see cref="MeterName"/> (the protocol's are in
/// <see cref="Fatechat.Protocol.Diagnostics.ProtocolMetrics"/>). Static, as the protocol's: a recording is a method
/// call from wherever the thing happened, with constant tag values, so it allocates nothing. docs/metrics.md lists
/// every series as Prometheus names it.
/// </summary>
public static class ServerMetrics
{
    public const string MeterName = "Fatechat.Server";

    /// <summary>Tag values of <see cref="BackendFailed"/>: the backend a failed call went to.</summary>
    public static class Backends
    {
        public const string Storage = "storage";
        public const string Redis = "redis";
        public const string Kafka = "kafka";
    }

    /// <summary>Tag values of <see cref="Delivered"/>.</summary>
    public static class MessageKinds
    {
        public const string Room = "room";
        public const string Private = "private";
    }

    internal static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> DeliveryLatency = Meter.CreateHistogram(
        "fatechat.message.delivery.latency", "s",
        "From the message's createdAt stamp (set by the node that accepted the send, before publishing) to this node handing it to its sockets",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    private static readonly Counter<long> BackendErrors = Meter.CreateCounter<long>(
        "fatechat.backend.errors", "{error}", "Failed calls to a backend (storage, redis, kafka), by backend");

    private static readonly Counter<long> RateLimitRefusals = Meter.CreateCounter<long>(
        "fatechat.rate_limit.refusals", "{refusal}", "Requests and socket events refused by a rate limit, by limit");

    /// <summary>A room or private message was handed to this node's sockets <paramref name="createdAt"/> after it was accepted.</summary>
    public static void Delivered(string kind, DateTime createdAt, DateTime utcNow)
    {
        // A stamp read back as local time (JSON with an offset) is turned back; clocks of two nodes may differ, hence the floor.
        var created = createdAt.Kind == DateTimeKind.Local ? createdAt.ToUniversalTime() : createdAt;
        DeliveryLatency.Record(Math.Max(0, (utcNow - created).TotalSeconds), new KeyValuePair<string, object?>("kind", kind));
    }

    /// <summary>A call to <paramref name="backend"/> (one of <see cref="Backends"/>) failed.</summary>
    public static void BackendFailed(string backend) => BackendErrors.Add(1, new KeyValuePair<string, object?>("backend", backend));

    /// <summary>
    /// A rate limit refused a request or event. <paramref name="limit"/> names the limit (e.g. <c>login</c>,
    /// <c>register</c>, <c>sendMessage</c>): a constant, never a user or an address, so the series stay few.
    /// Exported as <c>fatechat_rate_limit_refusals_total{limit="…"}</c>.
    /// </summary>
    public static void RateLimitRefused(string limit) => RateLimitRefusals.Add(1, new KeyValuePair<string, object?>("limit", limit));
}
