using Confluent.Kafka;
using Fatechat.Server.Options;

namespace Fatechat.Server.Messaging;

/// <summary>The librdkafka settings of this node's producer, consumers and admin client, from <see cref="KafkaOptions"/>.</summary>
public sealed class KafkaClientConfigs(KafkaOptions options, string nodeId)
{
    public KafkaOptions Options { get; } = options;

    public string NodeId { get; } = nodeId;

    /// <summary>This node's fan-out group: every node has its own, so every node sees every event.</summary>
    public string DeliveryGroupId => Options.DeliveryGroupPrefix + NodeId;

    /// <summary>
    /// Idempotent with <c>acks=all</c>: a retried send is written once and only acknowledged once every in-sync
    /// replica has it, so an acknowledged chat message is not lost when a broker fails.
    /// </summary>
    public ProducerConfig Producer() => new()
    {
        BootstrapServers = Options.BootstrapServers,
        ClientId = $"fatechat-{NodeId}",
        Acks = Acks.All,
        EnableIdempotence = true,
        LingerMs = Options.LingerMs,
    };

    /// <summary>
    /// Shared by every node: each partition is read by one node, which stores its records. Offsets are stored by the
    /// consumer only after the write and committed by it (no auto-commit); a new group starts at the beginning.
    /// </summary>
    public ConsumerConfig Persistence() => Consumer(Options.PersistenceGroupId, AutoOffsetReset.Earliest);

    /// <summary>This node's own group. Its start offsets are set at assignment (the end of each partition), never committed.</summary>
    public ConsumerConfig Delivery() => Consumer(DeliveryGroupId, AutoOffsetReset.Latest);

    public AdminClientConfig Admin() => new()
    {
        BootstrapServers = Options.BootstrapServers,
        ClientId = $"fatechat-{NodeId}-admin",
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
        SessionTimeoutMs = Options.SessionTimeoutMs,
        // librdkafka wants the heartbeat well inside the session timeout.
        HeartbeatIntervalMs = Math.Max(100, Math.Min(3_000, Options.SessionTimeoutMs / 3)),
    };
}
