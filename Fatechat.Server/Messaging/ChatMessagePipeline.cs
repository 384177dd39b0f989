using Fatechat.Server.Caching;
using Fatechat.Server.Chat;
using Fatechat.Server.Diagnostics;
using Fatechat.Server.Storage;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Messaging;

/// <summary>
/// The consumer side of the message path, as two independent loops so that delivery never waits for the database:
/// <list type="bullet">
/// <item>persistence (one node per message, in batches): store once, keyed by id, then append to the recent-message cache
/// (not when storage refused it as a second message with its sender's client message id).
/// A store that still fails after a few quick retries throws to the bus, which decides what an unstored message
/// becomes (see <see cref="IChatBus.ConsumeAsync"/>): Kafka reads it again and does not commit past it; the
/// in-process bus logs it and goes on.</item>
/// <item>delivery (every node): send to this node's sockets. A failure is logged and the loop goes on: only this
/// node's sockets missed the event, and reading it again would send it twice to the others.</item>
/// </list>
/// A message that cannot be stored is still delivered.
/// </summary>
public sealed partial class ChatMessagePipeline(
    IChatBus bus,
    IMessageRepository messages,
    IRecentMessageCache cache,
    IPresenceStore presence,
    IChatDelivery delivery,
    Chat.Recovery.DeliveryLog log,
    IOptions<Options.SocketIOSettings> socketSettings,
    ILogger<ChatMessagePipeline> logger) : BackgroundService
{
    private static readonly TimeSpan[] StoreRetryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        RunAsync(ct => bus.ConsumeBatchesAsync(PersistAsync, ct), stoppingToken),
        RunAsync(ct => bus.ConsumeAsync(ChatBusSubscription.Delivery, DeliverOrLogAsync, ct), stoppingToken));

    private static async Task RunAsync(Func<CancellationToken, Task> consume, CancellationToken stoppingToken)
    {
        try
        {
            await consume(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// In the batch's order: each run of room messages in one write, a private message on its own (they are few,
    /// and each touches two conversations).
    /// </summary>
    private async ValueTask PersistAsync(IReadOnlyList<ChatBusEvent> batch, CancellationToken cancellationToken)
    {
        var run = new List<ChatMessage>(batch.Count);
        foreach (var chatEvent in batch)
        {
            switch (chatEvent)
            {
                case RoomMessagePosted { Message: var message }:
                    run.Add(message);
                    break;
                case PrivateMessagePosted { Message: var message }:
                    await StoreRoomMessagesAsync(run, cancellationToken);
                    run.Clear();
                    Report(await WithRetriesAsync(ct => messages.AddPrivateMessageAsync(message, ct), message.Id, cancellationToken), message.Id);
                    break;
            }
        }

        await StoreRoomMessagesAsync(run, cancellationToken);
    }

    /// <summary>
    /// One write for the run. Should it fail, each message gets a write of its own (with its retries), so that a
    /// message the store refuses holds back only itself.
    /// </summary>
    private async Task StoreRoomMessagesAsync(List<ChatMessage> run, CancellationToken cancellationToken)
    {
        if (run.Count == 0)
        {
            return;
        }

        IReadOnlyList<StoreOutcome> outcomes;
        if (run.Count == 1)
        {
            outcomes = [await WithRetriesAsync(ct => messages.AddRoomMessageAsync(run[0], ct), run[0].Id, cancellationToken)];
        }
        else
        {
            try
            {
                outcomes = await messages.AddRoomMessagesAsync(run, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ServerMetrics.BackendFailed(ServerMetrics.Backends.Storage);
                LogBatchFailed(run.Count, e);
                await StoreOneByOneAsync(run, cancellationToken);
                return;
            }
        }

        for (var i = 0; i < run.Count; i++)
        {
            Report(outcomes[i], run[i].Id);
            // A retry stored under another id already is not this room's message: the cache must not list it.
            if (outcomes[i] != StoreOutcome.ClientMessageIdTaken)
            {
                await cache.AddAsync(run[i], cancellationToken);
            }
        }
    }

    /// <summary>Every message of the run is tried; those that still fail are thrown to the bus together, after the others.</summary>
    private async Task StoreOneByOneAsync(List<ChatMessage> run, CancellationToken cancellationToken)
    {
        var failures = new List<Exception>();
        foreach (var message in run)
        {
            try
            {
                await StoreRoomMessagesAsync([message], cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add(new InvalidOperationException($"Message {message.Id} was not stored", e));
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException($"{failures.Count} of a batch of {run.Count} messages were not stored", failures);
        }
    }

    private void Report(StoreOutcome outcome, string messageId)
    {
        switch (outcome)
        {
            case StoreOutcome.AlreadyStored:
                LogDuplicateIgnored(messageId);
                break;
            case StoreOutcome.ClientMessageIdTaken:
                LogClientMessageIdTaken(messageId);
                break;
        }
    }

    private readonly bool _offsets = socketSettings.Value.ConnectionStateRecovery;

    /// <summary>
    /// Under the delivery log's gate, so that a recovering socket joins its rooms between two records: each stored
    /// record goes out with the offset that includes it, then counts as delivered.
    /// </summary>
    private async ValueTask DeliverOrLogAsync(ChatBusEvent chatEvent, CancellationToken cancellationToken)
    {
        if (!_offsets)
        {
            await DeliverOrLogAsync(chatEvent, offset: null, cancellationToken);
            return;
        }

        await log.Gate.WaitAsync(cancellationToken);
        try
        {
            var offset = log.OffsetIncluding(chatEvent);
            await DeliverOrLogAsync(chatEvent, offset, cancellationToken);
            log.Record(chatEvent, offset);
        }
        finally
        {
            log.Gate.Release();
        }
    }

    private async ValueTask DeliverOrLogAsync(ChatBusEvent chatEvent, string? offset, CancellationToken cancellationToken)
    {
        try
        {
            await DeliverAsync(chatEvent, offset, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogDeliveryFailed(chatEvent.GetType().Name, e);
        }
    }

    private async ValueTask DeliverAsync(ChatBusEvent chatEvent, string? offset, CancellationToken cancellationToken)
    {
        switch (chatEvent)
        {
            case RoomMessagePosted { Message: var message, PresenceChanged: var presenceChanged }:
                if (presenceChanged)
                {
                    var users = await presence.GetOnlineUsersAsync(message.RoomName, cancellationToken);
                    await delivery.DeliverOnlineUsersAsync(message.RoomName, users, cancellationToken);
                }

                await delivery.DeliverRoomMessageAsync(message, offset, cancellationToken);
                break;
            case PrivateMessagePosted { Message: var message }:
                await delivery.DeliverPrivateMessageAsync(message, offset, cancellationToken);
                break;
            case RoomTypingChanged typing:
                await delivery.DeliverTypingAsync(typing, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Transient database errors (a locked SQLite file, a MySQL failover) get a few quick retries here; past them the
    /// error goes to the bus, so that a longer outage is the bus's to ride out.
    /// </summary>
    private async Task<StoreOutcome> WithRetriesAsync(Func<CancellationToken, Task<StoreOutcome>> store, string messageId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await store(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ServerMetrics.BackendFailed(ServerMetrics.Backends.Storage);
                if (attempt >= StoreRetryDelays.Length)
                {
                    throw;
                }

                LogStoreRetry(messageId, attempt + 1, e);
                await Task.Delay(StoreRetryDelays[attempt], cancellationToken);
            }
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Delivering {EventType} to this node's sockets failed")]
    private partial void LogDeliveryFailed(string eventType, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Message {MessageId} was already stored; redelivery ignored")]
    private partial void LogDuplicateIgnored(string messageId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Storing message {MessageId} failed (attempt {Attempt}); retrying")]
    private partial void LogStoreRetry(string messageId, int attempt, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Storing a batch of {Count} messages failed; storing them one by one")]
    private partial void LogBatchFailed(int count, Exception exception);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Message {MessageId} was not stored: its sender already has a stored message with the same client message id (a retried send whose claim was lost)")]
    private partial void LogClientMessageIdTaken(string messageId);
}
