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
}
