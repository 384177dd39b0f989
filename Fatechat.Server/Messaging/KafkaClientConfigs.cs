using Confluent.Kafka;
using Fatechat.Server.Options;

namespace Fatechat.Server.Messaging;

/// <summary>The librdkafka settings of this node's producer, consumers and admin client, from <see cref="KafkaOptions"/>.</summary>
public sealed class KafkaClientConfigs(KafkaOptions options, string nodeId)
{
    public KafkaOptions Options { get; } = options;

    public string NodeId { get; } = nodeId;

    /// <summary>
    /// The group id of this node's delivery consumer. It never joins that group (it assigns its partitions itself,
    /// see <see cref="KafkaDeliveryConsumer"/>) nor commits to it; the .NET client only insists on having one.
    /// </summary>
    public string DeliveryGroupId => Options.DeliveryGroupPrefix + NodeId;

    /// <summary>
    /// Idempotent with <c>acks=all</c>: a retried send is written once and only acknowledged once every in-sync
    /// replica has it, so an acknowledged chat message is not lost when a broker fails. A send the brokers have
    /// not acknowledged within <see cref="KafkaOptions.SendTimeoutMs"/> fails (librdkafka's own default waits five
    /// minutes, and the user with it), and what waits to be sent is bounded in bytes.
    /// </summary>
    public ProducerConfig Producer() => new()
    {
        BootstrapServers = Options.BootstrapServers,
        ClientId = $"fatechat-{NodeId}",
        Acks = Acks.All,
        EnableIdempotence = true,
        LingerMs = Options.LingerMs,
        MessageTimeoutMs = Options.SendTimeoutMs,
        RequestTimeoutMs = Math.Min(30_000, Options.SendTimeoutMs),
        QueueBufferingMaxKbytes = Options.ProducerQueueMaxKbytes,
        Debug = DebugContexts,
    };

    /// <summary>
    /// Shared by every node: each partition is read by one node, which stores its records. Offsets are stored by the
    /// consumer only after the write and committed by it (no auto-commit); a new group starts at the beginning.
    /// Cooperative-sticky assignment: a node joining or leaving moves only the partitions that change hands, and the
    /// others are stored on without a pause (the eager protocol revokes every partition of every member first).
    /// </summary>
    public ConsumerConfig Persistence()
    {
        var config = Consumer(Options.PersistenceGroupId, AutoOffsetReset.Earliest);
        config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;
        config.SessionTimeoutMs = Options.SessionTimeoutMs;
        // librdkafka wants the heartbeat well inside the session timeout.
        config.HeartbeatIntervalMs = Math.Max(100, Math.Min(3_000, Options.SessionTimeoutMs / 3));
        // Also how long a JoinGroup may wait for its answer (librdkafka's default: five minutes). A join whose answer
        // is lost (a coordinator that failed over or paused) would otherwise stop storage for that long. The loop
        // polls at least this often: a store retry waits 5 s at most.
        config.MaxPollIntervalMs = Math.Max(Options.SessionTimeoutMs, 20_000);
        return config;
    }

    /// <summary>This node's delivery consumer: partitions assigned by itself at their ends, nothing committed.</summary>
    public ConsumerConfig Delivery() => Consumer(DeliveryGroupId, AutoOffsetReset.Latest);

    public AdminClientConfig Admin() => new()
    {
        BootstrapServers = Options.BootstrapServers,
        ClientId = $"fatechat-{NodeId}-admin",
        Debug = DebugContexts,
    };

    private ConsumerConfig Consumer(string groupId, AutoOffsetReset reset) => new()
    {
        BootstrapServers = Options.BootstrapServers,
        ClientId = $"fatechat-{NodeId}",
        GroupId = groupId,
        AutoOffsetReset = reset,
        EnableAutoCommit = false,
        EnableAutoOffsetStore = false,
        FetchWaitMaxMs = Options.FetchWaitMaxMs,
        Debug = DebugContexts,
    };

    private string? DebugContexts => string.IsNullOrWhiteSpace(Options.Debug) ? null : Options.Debug;
}
