using System.Runtime.InteropServices;
using static Fatechat.KafkaMock.LibRdKafkaMock;

namespace Fatechat.KafkaMock;

/// <summary>
/// An in-process Kafka cluster from librdkafka's mock broker: real Kafka protocol over TCP on 127.0.0.1
/// (produce, fetch, consumer groups, committed offsets), its log kept in memory.
/// </summary>
public sealed class KafkaMockCluster : IDisposable
{
    private readonly nint _owner;
    private readonly nint _cluster;
    private readonly RecordTrimmer? _trimmer;
    private int _disposed;

    private KafkaMockCluster(nint owner, nint cluster, IReadOnlyList<string> topics, int partitions, int retainPerPartition)
    {
        _owner = owner;
        _cluster = cluster;
        BootstrapServers = Marshal.PtrToStringUTF8(rd_kafka_mock_cluster_bootstraps(cluster))
            ?? throw new InvalidOperationException("The mock cluster returned no bootstrap servers.");
        Topics = topics;
        if (retainPerPartition > 0 && topics.Count > 0)
            _trimmer = new RecordTrimmer(cluster, BootstrapServers, topics, partitions, retainPerPartition);
    }

    /// <summary>Comma-separated <c>host:port</c> list for <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    public IReadOnlyList<string> Topics { get; }

    /// <summary>
    /// Starts <paramref name="brokers"/> mock brokers and creates <paramref name="topics"/>.
    /// With <paramref name="retainPerPartition"/> &gt; 0, records older than that many per partition are deleted
    /// every second, since the mock finds a fetch offset by walking its log from the start.
    /// </summary>
    public static KafkaMockCluster Start(int brokers, IEnumerable<string> topics, int partitions = 3, int retainPerPartition = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var topicList = topics.ToArray();

        // The mock cluster lives inside a client handle; a producer with no brokers of its own is the cheapest one.
        var owner = NewClient(new Dictionary<string, string> { ["log_level"] = "3" });
        var cluster = rd_kafka_mock_cluster_new(owner, brokers);
        if (cluster == 0)
        {
            rd_kafka_destroy(owner);
            throw new InvalidOperationException($"rd_kafka_mock_cluster_new failed for {brokers} brokers.");
        }

        // Kafka's broker waits 3 s for more members before the first rebalance; tests would wait for nothing.
        rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, 0);
        foreach (var topic in topicList)
        {
            var err = rd_kafka_mock_topic_create(cluster, topic, partitions, 1);
            if (err != NoError)
            {
                rd_kafka_mock_cluster_destroy(cluster);
                rd_kafka_destroy(owner);
                throw new InvalidOperationException($"Creating mock topic '{topic}' failed: {ErrorText(err)}");
            }
        }
        return new KafkaMockCluster(owner, cluster, topicList, partitions, retainPerPartition);
    }

    internal static nint NewClient(IReadOnlyDictionary<string, string> settings)
    {
        var errstr = new byte[512];
        var conf = rd_kafka_conf_new();
        foreach (var (name, value) in settings)
        {
            if (rd_kafka_conf_set(conf, name, value, errstr, (nuint)errstr.Length) != ConfOk)
            {
                rd_kafka_conf_destroy(conf);
                throw new InvalidOperationException($"librdkafka setting '{name}' refused: {ErrorText(errstr)}");
            }
        }
        var rk = rd_kafka_new(ProducerType, conf, errstr, (nuint)errstr.Length);
        if (rk == 0)
        {
            rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"rd_kafka_new failed: {ErrorText(errstr)}");
        }
        return rk;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _trimmer?.Dispose();
        rd_kafka_mock_cluster_destroy(_cluster);
        rd_kafka_destroy(_owner);
    }
}
