using static Fatechat.KafkaMock.LibRdKafkaMock;

namespace Fatechat.KafkaMock;

/// <summary>
/// Keeps the mock's partitions short. The mock appends every record set to a linked list and walks it from the
/// oldest entry on each fetch, so a long-running cluster slows down as it fills. Its own cap (5 MiB or 100,000
/// record sets per partition) bounds memory, not that walk.
/// </summary>
/// <remarks>
/// The C API exposes no committed offsets, so the rule is by count: every second, each partition keeps its last
/// <c>retainPerPartition</c> records (from the high watermark, read over the Kafka protocol). A consumer group lagging
/// further behind than that would skip records, which a test with that much lag should see as a failure anyway.
/// </remarks>
internal sealed class RecordTrimmer : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private const int QueryTimeoutMs = 2_000;

    private readonly nint _cluster;
    private readonly nint _client;
    private readonly IReadOnlyList<string> _topics;
    private readonly int _partitions;
    private readonly long _retain;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    public RecordTrimmer(nint cluster, string bootstrapServers, IReadOnlyList<string> topics, int partitions, int retain)
    {
        _cluster = cluster;
        _topics = topics;
        _partitions = partitions;
        _retain = retain;
        _client = KafkaMockCluster.NewClient(new Dictionary<string, string>
        {
            ["bootstrap.servers"] = bootstrapServers,
            ["log_level"] = "3",
        });
        // The watermark query blocks, so it gets its own thread rather than a pool thread.
        _thread = new Thread(Run) { IsBackground = true, Name = "kafka-mock-trimmer" };
        _thread.Start();
    }

    private void Run()
    {
        while (!_stop.Token.WaitHandle.WaitOne(Interval))
        {
            foreach (var topic in _topics)
            {
                for (var partition = 0; partition < _partitions && !_stop.IsCancellationRequested; partition++)
                    TrimPartition(topic, partition);
            }
        }
    }

    private void TrimPartition(string topic, int partition)
    {
        if (rd_kafka_query_watermark_offsets(_client, topic, partition, out var low, out var high, QueryTimeoutMs) != NoError)
            return;
        var before = high - _retain;
        if (before <= low)
            return;
        // A failure (a partition that moved on meanwhile) is retried on the next tick.
        rd_kafka_mock_partition_delete_records(_cluster, topic, partition, before);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        rd_kafka_destroy(_client);
        _stop.Dispose();
    }
}
