using System.Diagnostics.Metrics;
using Fatechat.Server.Diagnostics;
using Fatechat.Server.Messaging;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Adapters.Kafka;

/// <summary>
/// <c>fatechat.kafka.consumer.lag</c> on the mock cluster (one partition): while the persistence handler is held on
/// the first record, it and the records published behind it show as lag of the persistence group (whether the
/// consumer fetched them into its batch already or not: none is stored); once it is released
/// the lag goes back to zero. Read through a <see cref="MeterListener"/>, as any exporter reads the gauge.
/// </summary>
[TestFixture]
[CancelAfter(90_000)]
public sealed class KafkaConsumerLagTests
{
    private const int Published = 10;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private KafkaTestBus _kafka = null!;

    [SetUp]
    public void StartCluster() => _kafka = KafkaTestBus.Start(brokers: 1, partitions: 1);

    [TearDown]
    public void StopCluster() => _kafka.Dispose();

    [Test]
    public async Task PersistenceLagCountsTheRecordsBehindABlockedHandlerAndReturnsToZero()
    {
        var options = _kafka.Options(o => o.PersistenceGroupId = "lag-" + Guid.NewGuid().ToString("N"));
        var bus = _kafka.NewBus("node-lag", options);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = 0;
        using var stop = new CancellationTokenSource();
        var consuming = bus.ConsumeAsync(ChatBusSubscription.Persistence, async (_, ct) =>
        {
            Interlocked.Increment(ref handled);
            await release.Task.WaitAsync(ct);
        }, stop.Token);

        var room = AdapterTestData.RoomName();
        for (var i = 0; i < Published; i++)
        {
            await bus.PublishAsync(new RoomMessagePosted(AdapterTestData.Message(room, $"lag {i}")), CancellationToken.None).AsTask().WithTimeout(Deadline);
        }

        await AsyncTimeout.UntilAsync(() => Volatile.Read(ref handled) == 1, "the handler holds the first record", Deadline);
        await AsyncTimeout.UntilAsync(() => Lag(options.PersistenceGroupId) == Published, $"the lag is every record, none stored (last read: {Lag(options.PersistenceGroupId)})", Deadline);

        release.SetResult();
        await AsyncTimeout.UntilAsync(() => Volatile.Read(ref handled) == Published, "every record is handled", Deadline);
        await AsyncTimeout.UntilAsync(() => Lag(options.PersistenceGroupId) == 0, $"the lag returns to zero (last read: {Lag(options.PersistenceGroupId)})", Deadline);

        await stop.CancelAsync();
        await consuming.WithTimeout(Deadline);
        Assert.That(Lag(options.PersistenceGroupId), Is.Null, "a closed consumer is no longer observed");
    }

    /// <summary>The gauge's sum over the group's partitions, or null when it reports none for the group.</summary>
    private static long? Lag(string groupId)
    {
        long? sum = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ServerMetrics.MeterName && instrument.Name == "fatechat.kafka.consumer.lag")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "group" && (string?)tag.Value == groupId)
                {
                    sum = (sum ?? 0) + value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return sum;
    }
}
