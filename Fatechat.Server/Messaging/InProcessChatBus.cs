using System.Threading.Channels;

namespace Fatechat.Server.Messaging;

/// <summary>
/// The single-node bus: one channel per subscription. Bounded, so a stalled consumer slows publishers down
/// instead of growing memory without limit.
/// <para>
/// A handler that throws has its event logged and dropped, and the loop goes on. Holding the event back to retry it
/// would gain little (the channel is memory: a restart loses it anyway) and would stall the persistence channel until
/// publishers, and with them delivery, wait for the database. Kafka, whose log outlives the process, retries instead.
/// </para>
/// </summary>
public sealed partial class InProcessChatBus(ILogger<InProcessChatBus> logger) : IChatBus
{
    private const int Capacity = 65_536;

    private readonly Channel<ChatBusEvent> _persistence = CreateChannel(runConsumerInline: false);

    // An idle delivery loop resumes on the publisher's thread: a message goes out to the room without a
    // thread-pool hop (one round trip less latency); a busy loop still drains the channel on its own thread.
    private readonly Channel<ChatBusEvent> _delivery = CreateChannel(runConsumerInline: true);

    private readonly SemaphoreSlim _inTurn = new(1, 1);
    private int _waiting;

    /// <summary>
    /// Writes to both channels at once when they have room. A socket hands its next send to the bus before the previous
    /// one settled, so once one publisher has to wait for room, later ones queue behind it (in turn) rather than
    /// overtake it.
    /// </summary>
    public ValueTask PublishAsync(ChatBusEvent chatEvent, CancellationToken cancellationToken)
    {
        bool stored = chatEvent is not (RoomMessagePosted or PrivateMessagePosted);
        if (Volatile.Read(ref _waiting) == 0)
        {
            stored = stored || _persistence.Writer.TryWrite(chatEvent);
            if (stored && _delivery.Writer.TryWrite(chatEvent))
            {
                return default;
            }
        }

        return PublishInTurnAsync(chatEvent, stored, cancellationToken);
    }

    private async ValueTask PublishInTurnAsync(ChatBusEvent chatEvent, bool stored, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _inTurn.WaitAsync(cancellationToken);
            try
            {
                if (!stored)
                {
                    await _persistence.Writer.WriteAsync(chatEvent, cancellationToken);
                }

                await _delivery.Writer.WriteAsync(chatEvent, cancellationToken);
            }
            finally
            {
                _inTurn.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    public string PositionScope { get; } = "p" + Guid.NewGuid().ToString("N")[..12];

    public async Task ConsumeAsync(ChatBusSubscription subscription, Func<ChatBusEvent, CancellationToken, ValueTask> handler, CancellationToken cancellationToken)
    {
        var reader = subscription == ChatBusSubscription.Persistence ? _persistence.Reader : _delivery.Reader;
        bool delivery = subscription == ChatBusSubscription.Delivery;
        long next = 0;
        if (delivery)
        {
            // One partition, numbered in delivery order from the start of the process.
            await handler(new DeliveryStarted(0, 0), cancellationToken);
        }

        await foreach (var read in reader.ReadAllAsync(cancellationToken))
        {
            if (read is StoredUpTo mark)
            {
                // Events before it were handled one at a time already.
                mark.Done.TrySetResult();
                continue;
            }

            var chatEvent = delivery && read is RoomMessagePosted or PrivateMessagePosted
                ? read with { Position = new BusPosition(0, next++) }
                : read;
            try
            {
                await handler(chatEvent, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogHandlerFailed(subscription, Describe(chatEvent), e);
            }
        }
    }

    /// <summary>
    /// How long a batch waits after its first event for more: a busy node stores a burst in one transaction and wakes
    /// its storage loop about twenty times a second instead of once per message (bench syscalls at 20,000 deliveries/s:
    /// 1.36 per delivery with 10 ms, 1.24 with 50 ms, fewer futex and pwrite64). Storage is off the delivery path; a
    /// history read cuts the wait short (<see cref="WaitForStorageAsync"/>), and a crash loses the channel either way.
    /// </summary>
    internal static readonly TimeSpan PersistenceLinger = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// A reader's place in the persistence channel, never handed to the handler: done once the events written before
    /// it (and those of its batch) have been handled.
    /// </summary>
    private sealed record StoredUpTo(TaskCompletionSource Done) : ChatBusEvent;

    /// <summary>The longest a history read waits for the store (a batch of SQLite or MySQL rows takes milliseconds).</summary>
    internal static readonly TimeSpan StorageWaitLimit = TimeSpan.FromMilliseconds(250);

    private readonly SemaphoreSlim _readerWaiting = new(0, 1);
    private int _batchInHand;

    public async ValueTask WaitForStorageAsync(CancellationToken cancellationToken)
    {
        if (_persistence.Reader.Count == 0 && Volatile.Read(ref _batchInHand) == 0)
        {
            return;
        }

        var mark = new StoredUpTo(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        // A full channel means the store is far behind: a reader does not queue behind publishers for it.
        if (!_persistence.Writer.TryWrite(mark))
        {
            return;
        }

        if (_readerWaiting.CurrentCount == 0)
        {
            try
            {
                _readerWaiting.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another reader woke the loop first.
            }
        }

        try
        {
            await mark.Done.Task.WaitAsync(StorageWaitLimit, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The store is slow (retrying, or a large backlog): the reader gets what is stored so far.
        }
    }

    /// <summary>
    /// Batches of the persistence channel. The handler's token never cancels: the channel holds messages whose senders
    /// were told they were sent, so a stopping host ends only the wait for more, and what the channel still holds is
    /// handed over before returning.
    /// </summary>
    public async Task ConsumeBatchesAsync(Func<IReadOnlyList<ChatBusEvent>, CancellationToken, ValueTask> handler, CancellationToken cancellationToken)
    {
        var reader = _persistence.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                if (reader.Count < PersistenceBatch.MaxEvents)
                {
                    await _readerWaiting.WaitAsync(PersistenceLinger, cancellationToken);
                }

                await HandleBatchAsync(reader, handler);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            while (reader.Count > 0)
            {
                await HandleBatchAsync(reader, handler);
            }

            throw;
        }
    }

    private async Task HandleBatchAsync(ChannelReader<ChatBusEvent> reader, Func<IReadOnlyList<ChatBusEvent>, CancellationToken, ValueTask> handler)
    {
        Volatile.Write(ref _batchInHand, 1);
        var batch = new List<ChatBusEvent>(Math.Min(reader.Count, PersistenceBatch.MaxEvents));
        List<StoredUpTo>? marks = null;
        while (batch.Count < PersistenceBatch.MaxEvents && reader.TryRead(out var chatEvent))
        {
            if (chatEvent is StoredUpTo mark)
            {
                (marks ??= []).Add(mark);
            }
            else
            {
                batch.Add(chatEvent);
            }
        }

        try
        {
            if (batch.Count > 0)
            {
                await handler(batch, CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            LogHandlerFailed(ChatBusSubscription.Persistence, $"a batch of {batch.Count} from {Describe(batch[0])}", e);
        }
        finally
        {
            Volatile.Write(ref _batchInHand, 0);
            marks?.ForEach(m => m.Done.TrySetResult());
        }
    }

    private static string Describe(ChatBusEvent chatEvent) => chatEvent switch
    {
        RoomMessagePosted { Message: var m } => $"room message {m.Id}",
        PrivateMessagePosted { Message: var m } => $"private message {m.Id}",
        RoomTypingChanged { RoomName: var room } => $"typing in {room}",
        _ => chatEvent.GetType().Name,
    };

    private static Channel<ChatBusEvent> CreateChannel(bool runConsumerInline) => Channel.CreateBounded<ChatBusEvent>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        SingleWriter = false,
        FullMode = BoundedChannelFullMode.Wait,
        AllowSynchronousContinuations = runConsumerInline,
    });

    [LoggerMessage(EventId = 3011, Level = LogLevel.Error, Message = "In-process bus {Subscription} handler failed for {Event}; the event is dropped")]
    private partial void LogHandlerFailed(ChatBusSubscription subscription, string @event, Exception exception);
}
