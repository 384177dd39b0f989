namespace Fatechat.Server.Messaging;

/// <summary>How the buses group persistence events (<see cref="IChatBus.ConsumeBatchesAsync"/>).</summary>
public static class PersistenceBatch
{
    /// <summary>The most events one batch holds: one transaction of that many rows stays short.</summary>
    public const int MaxEvents = 256;

    /// <summary>A per-event handler as a batch handler: the events one after the other, in order.</summary>
    public static Func<IReadOnlyList<ChatBusEvent>, CancellationToken, ValueTask> OneByOne(Func<ChatBusEvent, CancellationToken, ValueTask> handler) =>
        async (batch, cancellationToken) =>
        {
            foreach (var chatEvent in batch)
            {
                await handler(chatEvent, cancellationToken);
            }
        };
}
