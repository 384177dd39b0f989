using Fatechat.Server.Caching;
using Fatechat.Server.Diagnostics;
using Fatechat.Server.Storage;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Messaging;

/// <summary>
/// The consumer side of the message path, as two independent loops so that delivery never waits for the database:
/// <list type="bullet">
/// <item>persistence (one node per message): store once, keyed by id, then append to the recent-message cache
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
        RunAsync(ChatBusSubscription.Persistence, PersistAsync, stoppingToken),
        RunAsync(ChatBusSubscription.Delivery, DeliverOrLogAsync, stoppingToken));

    private async Task RunAsync(ChatBusSubscription subscription, Func<ChatBusEvent, CancellationToken, ValueTask> handler, CancellationToken stoppingToken)
    {
        try
        {
            await bus.ConsumeAsync(subscription, handler, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async ValueTask PersistAsync(ChatBusEvent chatEvent, CancellationToken cancellationToken)
    {
        switch (chatEvent)
        {
            case RoomMessagePosted { Message: var message }:
                // A retry stored under another id already is not this room's message: the cache must not list it.
                if (await WithRetriesAsync(ct => messages.AddRoomMessageAsync(message, ct), message.Id, cancellationToken) != StoreOutcome.ClientMessageIdTaken)
                {
                    await cache.AddAsync(message, cancellationToken);
                }

                break;
            case PrivateMessagePosted { Message: var message }:
                await WithRetriesAsync(ct => messages.AddPrivateMessageAsync(message, ct), message.Id, cancellationToken);
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
                var outcome = await store(cancellationToken);
                switch (outcome)
                {
                    case StoreOutcome.AlreadyStored:
                        LogDuplicateIgnored(messageId);
                        break;
                    case StoreOutcome.ClientMessageIdTaken:
                        LogClientMessageIdTaken(messageId);
                        break;
                }

                return outcome;
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

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Message {MessageId} was not stored: its sender already has a stored message with the same client message id (a retried send whose claim was lost)")]
    private partial void LogClientMessageIdTaken(string messageId);
}
