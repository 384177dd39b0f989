namespace Fatechat.Server.Messaging;

/// <summary>Which consumers see an event when several nodes run.</summary>
public enum ChatBusSubscription
{
    /// <summary>One consumer group shared by all nodes: each message reaches one node, which stores it. Messages only.</summary>
    Persistence,

    /// <summary>One group per node: every node sees every event and delivers it to its own sockets.</summary>
    Delivery,
}

/// <summary>Carries chat traffic between the socket handlers and the consumers, in-process or through Kafka.</summary>
public interface IChatBus
{
    /// <summary>Completes once the bus has accepted the event (for Kafka: acknowledged by the brokers).</summary>
    ValueTask PublishAsync(ChatBusEvent chatEvent, CancellationToken cancellationToken);

    /// <summary>
    /// What <see cref="ChatBusEvent.Position"/>s are relative to: the same string on every node that shares this log
    /// (the Kafka topic), a new one for each in-process bus (its log ends with the process).
    /// </summary>
    string PositionScope { get; }

    /// <summary>
    /// Calls <paramref name="handler"/> for each event of the subscription, one at a time, until cancelled. An event
    /// counts as consumed (its offset committed) only after the handler returns. A persistence handler that throws
    /// leaves its event unconsumed: Kafka reads the same record again after a pause and commits nothing past it; the
    /// in-process bus, which keeps nothing across a restart, logs and drops it. Delivery handlers catch their own
    /// errors (<see cref="ChatMessagePipeline"/>).
    /// </summary>
    Task ConsumeAsync(ChatBusSubscription subscription, Func<ChatBusEvent, CancellationToken, ValueTask> handler, CancellationToken cancellationToken);

    /// <summary>
    /// The persistence subscription in batches, so that a store writes many messages at once: each call of
    /// <paramref name="handler"/> gets, in order, up to <see cref="PersistenceBatch.MaxEvents"/> events that had
    /// arrived. They count as consumed once it returns; when it throws, the whole batch is treated as
    /// <see cref="ConsumeAsync"/> treats a single event.
    /// </summary>
    Task ConsumeBatchesAsync(Func<IReadOnlyList<ChatBusEvent>, CancellationToken, ValueTask> handler, CancellationToken cancellationToken);

    /// <summary>
    /// Completes once the persistence handler has been through every event published here before the call, or after a
    /// short bound (a slow store does not hold readers up): a history read then shows what this node's sockets were already sent, as the Node
    /// server's did (it stored each message before emitting it). Kafka completes at once: another node may hold the
    /// message's partition, and there storage follows delivery by a fetch.
    /// </summary>
    ValueTask WaitForStorageAsync(CancellationToken cancellationToken) => default;
}
