using System.Diagnostics.Metrics;
using Confluent.Kafka;

namespace Fatechat.Server.Diagnostics;

/// <summary>
/// The gauge <c>fatechat.kafka.consumer.lag</c>: per group, topic and partition, the high watermark minus the
/// consumer's position — records the broker has that this node's consumer has not handed to the app yet; for a
/// consumer that hands records over in batches, minus the first record it has not finished with (a blocked store
/// shows its whole batch as lag, not zero). It is
/// read when the gauge is observed (a scrape), from the consumers tracked here, on the scraping thread:
/// librdkafka's <c>assignment</c>, <c>position</c> and cached watermarks are thread-safe, and the lock keeps a
/// consumer from being disposed in the middle of a read. The high watermark is the one the last fetch reported,
/// so it is as fresh as the consumer's fetches (a blocked handler does not stop librdkafka fetching ahead).
/// </summary>
public static class KafkaConsumerLag
{
    private static readonly List<Tracked> Consumers = [];

    static KafkaConsumerLag()
    {
        ServerMetrics.Meter.CreateObservableGauge("fatechat.kafka.consumer.lag", Observe, "{record}",
            "High watermark minus the consumer's position, per consumer group, topic and partition");
    }

    /// <summary>
    /// Observes <paramref name="consumer"/> as a member of <paramref name="groupId"/> until the result is disposed
    /// (before the consumer is). <paramref name="unfinished"/> gives, per partition, the first record consumed but not
    /// finished with, if any; its position counts otherwise.
    /// </summary>
    public static IDisposable Track<TKey, TValue>(string groupId, IConsumer<TKey, TValue> consumer, Func<TopicPartition, Offset?>? unfinished = null)
    {
        var tracked = new Tracked<TKey, TValue>(groupId, consumer, unfinished);
        lock (Consumers)
        {
            Consumers.Add(tracked);
        }

        return tracked;
    }

    private static List<Measurement<long>> Observe()
    {
        var measurements = new List<Measurement<long>>();
        lock (Consumers)
        {
            foreach (var tracked in Consumers)
            {
                tracked.Measure(measurements);
            }
        }

        return measurements;
    }

    private abstract class Tracked : IDisposable
    {
        public abstract void Measure(List<Measurement<long>> into);

        public void Dispose()
        {
            lock (Consumers)
            {
                Consumers.Remove(this);
            }
        }
    }

    private sealed class Tracked<TKey, TValue>(string groupId, IConsumer<TKey, TValue> consumer, Func<TopicPartition, Offset?>? unfinished) : Tracked
    {
        public override void Measure(List<Measurement<long>> into)
        {
            List<TopicPartition> assignment;
            try
            {
                assignment = consumer.Assignment;
            }
            catch (Exception e) when (e is KafkaException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            foreach (var partition in assignment)
            {
                try
                {
                    var position = unfinished?.Invoke(partition) ?? consumer.Position(partition);
                    var high = consumer.GetWatermarkOffsets(partition).High;
                    // Before the first fetch neither is known; a gap then would be a guess, so the series waits.
                    if (position.IsSpecial || high.IsSpecial)
                    {
                        continue;
                    }

                    into.Add(new Measurement<long>(Math.Max(0, high.Value - position.Value),
                        new KeyValuePair<string, object?>("group", groupId),
                        new KeyValuePair<string, object?>("topic", partition.Topic),
                        new KeyValuePair<string, object?>("partition", partition.Partition.Value)));
                }
                catch (Exception e) when (e is KafkaException or ObjectDisposedException)
                {
                    // Revoked between the assignment and this read: the next scrape sees the new assignment.
                }
            }
        }
    }
}
