namespace Fatechat.Server.Options;

/// <summary>The <c>Fatechat:Kafka</c> section.</summary>
public sealed class KafkaOptions
{
    public const string Section = "Fatechat:Kafka";

    /// <summary>Comma-separated <c>host:port</c> list, passed to the Kafka client unchanged.</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>Room and private messages, keyed by room (or conversation) so each stays ordered.</summary>
    public string MessagesTopic { get; set; } = "chat-messages";

    /// <summary>Presence changes and other events that every node fans out.</summary>
    public string EventsTopic { get; set; } = "chat-events";

    public int Partitions { get; set; } = 3;

    public short ReplicationFactor { get; set; } = 1;

    /// <summary>Consumer group shared by all nodes, so each message is stored exactly once.</summary>
    public string PersistenceGroupId { get; set; } = "fatechat-persistence";

    /// <summary>Prefix of each node's own fan-out group; the node id is appended.</summary>
    public string DeliveryGroupPrefix { get; set; } = "fatechat-delivery-";

    /// <summary>
    /// librdkafka's <c>fetch.wait.max.ms</c>: how long a broker may hold an empty fetch. The default is the
    /// client's own; the mock cluster used in tests holds every empty fetch this long, so tests set it low.
    /// </summary>
    public int FetchWaitMaxMs { get; set; } = 500;

    /// <summary>
    /// <c>session.timeout.ms</c> of both consumer groups (the client's default): how long the partitions of a node
    /// that died stay with it before the shared persistence group hands them to a live node.
    /// </summary>
    public int SessionTimeoutMs { get; set; } = 45_000;

    /// <summary><c>linger.ms</c> of the producer: a short wait that lets concurrent sends share one request.</summary>
    public int LingerMs { get; set; } = 5;

    /// <summary>Start-up budget for checking or creating the topics and for this node's first partition assignment.</summary>
    public int StartupTimeoutSeconds { get; set; } = 30;
}
