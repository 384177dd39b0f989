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
    /// librdkafka's <c>fetch.wait.max.ms</c>: how long a broker may hold an empty fetch (a real broker answers as soon
    /// as a record arrives). librdkafka's own default is 500; the mock cluster used in tests holds every empty fetch
    /// this long and is not woken by a produce, so tests set it to 10.
    /// </summary>
    public int FetchWaitMaxMs { get; set; } = 100;

    /// <summary>
    /// <c>session.timeout.ms</c> of the persistence group: how long the partitions of a node that died stay with it
    /// before the group hands them to a live node, so how long storing their rooms pauses. Brokers refuse less than
    /// their <c>group.min.session.timeout.ms</c> (6 s by default); librdkafka's own default is 45 s.
    /// </summary>
    public int SessionTimeoutMs { get; set; } = 10_000;

    /// <summary>
    /// How long a send may wait for the brokers' acknowledgement (<c>message.timeout.ms</c>) before the user is told
    /// it failed. librdkafka's own default is five minutes.
    /// </summary>
    public int SendTimeoutMs { get; set; } = 5_000;

    /// <summary>
    /// <c>queue.buffering.max.kbytes</c>: what the producer may hold while the brokers cannot be reached; sends past it
    /// are refused at once.
    /// </summary>
    public int ProducerQueueMaxKbytes { get; set; } = 65_536;

    /// <summary><c>linger.ms</c> of the producer: a short wait that lets concurrent sends share one request.</summary>
    public int LingerMs { get; set; } = 5;

    /// <summary>
    /// librdkafka's <c>debug</c> contexts (e.g. <c>cgrp,fetch</c>) for every Kafka client of the node; their lines go to
    /// the log at Debug under <c>Fatechat.Server.Messaging</c>. Empty: none.
    /// </summary>
    public string Debug { get; set; } = "";

    /// <summary>Start-up budget for checking or creating the topics and for this node's first partition assignment.</summary>
    public int StartupTimeoutSeconds { get; set; } = 30;
}
