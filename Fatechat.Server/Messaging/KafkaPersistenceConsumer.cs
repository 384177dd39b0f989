using System.Diagnostics;
using Confluent.Kafka;
using Fatechat.Server.Diagnostics;

namespace Fatechat.Server.Messaging;

/// <summary>
/// One member of the persistence group shared by all nodes: blocks in <c>Consume</c> on its own thread and hands
/// each record of the messages topic to the handler (the store and the cache append), one at a time.
/// A record's offset is stored only after its handler returned, and stored offsets are committed in small batches:
/// when 100 are pending, every 200 ms, when the partition has nothing more to read, before a rebalance takes the
/// partitions away, and on close. A crash can therefore replay the last records; the writes are keyed by message
/// id, so a replay stores nothing twice.
/// </summary>
internal sealed partial class KafkaPersistenceConsumer(KafkaClientConfigs configs, KafkaRecordCodec codec, ILogger logger)
{
    private const int CommitBatch = 100;
    private static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

    private readonly Stopwatch _sinceCommit = Stopwatch.StartNew();
    private int _pending;

    /// <summary>Runs until <paramref name="stop"/> is cancelled (then commits and leaves the group) or a fatal client error.</summary>
    public void Run(Func<ChatBusEvent, CancellationToken, ValueTask> handler, CancellationToken stop)
    {
        var clientLog = new KafkaClientLog(logger);
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(configs.Persistence())
            .SetLogHandler((_, message) => clientLog.OnLog(message))
                .SetErrorHandler((_, error) =>
                {
                    if (clientLog.ShouldLog(error.Code, out int _))
                    {
                        LogClientError(configs.Options.PersistenceGroupId, error.Code, error.Reason);
                    }
                })
            .SetPartitionsRevokedHandler((c, _) => Commit(c))
            .SetPartitionsLostHandler((_, partitions) => LogPartitionsLost(string.Join(", ", partitions)))
            .Build();
        using var lag = KafkaConsumerLag.Track(configs.Options.PersistenceGroupId, consumer);
        consumer.Subscribe(codec.MessagesTopic);
        try
        {
            var failures = 0;
            while (true)
            {
                stop.ThrowIfCancellationRequested();
                ConsumeResult<Ignore, byte[]>? result;
                try
                {
                    // With offsets waiting to be committed, look without blocking: nothing more to read commits them.
                    result = _pending == 0 ? consumer.Consume(stop) : consumer.Consume(TimeSpan.Zero);
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    ServerMetrics.BackendFailed(ServerMetrics.Backends.Kafka);
                    LogConsumeFailed(codec.MessagesTopic, e.Error.Code, e.Error.Reason);
                    continue;
                }

                if (result is null)
                {
                    Commit(consumer);
                    continue;
                }

                if (KafkaRecordCodec.TryDecode(result.Message.Value) is not { } chatEvent)
                {
                    LogUnreadableRecord(result.TopicPartitionOffset.ToString());
                }
                else if (!TryHandle(handler, chatEvent, result, stop))
                {
                    // Not stored: read the same record again after a pause rather than skip past it.
                    consumer.Seek(result.TopicPartitionOffset);
                    stop.WaitHandle.WaitOne(RetryDelays[Math.Min(failures++, RetryDelays.Length - 1)]);
                    continue;
                }

                failures = 0;
                StoreOffset(consumer, result);
                if (_pending >= CommitBatch || _sinceCommit.Elapsed >= CommitInterval)
                {
                    Commit(consumer);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            Commit(consumer);
            consumer.Close();
        }
    }

    private bool TryHandle(Func<ChatBusEvent, CancellationToken, ValueTask> handler, ChatBusEvent chatEvent,
        ConsumeResult<Ignore, byte[]> result, CancellationToken stop)
    {
        try
        {
            // This thread is the consumer's own, so waiting here keeps one record in flight per node.
            var handled = handler(chatEvent, stop);
            if (!handled.IsCompletedSuccessfully)
            {
                handled.AsTask().GetAwaiter().GetResult();
            }

            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            LogHandlerFailed(result.TopicPartitionOffset.ToString(), e);
            return false;
        }
    }

    private void StoreOffset(IConsumer<Ignore, byte[]> consumer, ConsumeResult<Ignore, byte[]> result)
    {
        try
        {
            consumer.StoreOffset(result);
            _pending++;
        }
        catch (KafkaException e)
        {
            // The partition went to another node meanwhile; that node reads the record again and the write is a no-op.
            LogStoreOffsetFailed(result.TopicPartitionOffset.ToString(), e.Error.Reason);
        }
    }

    private void Commit(IConsumer<Ignore, byte[]> consumer)
    {
        if (_pending == 0)
        {
            return;
        }

        try
        {
            consumer.Commit();
        }
        catch (KafkaException e)
        {
            ServerMetrics.BackendFailed(ServerMetrics.Backends.Kafka);
            // Left uncommitted, the records are replayed to whichever node reads the partition next: stored once all the same.
            LogCommitFailed(configs.Options.PersistenceGroupId, e.Error.Reason);
        }

        _pending = 0;
        _sinceCommit.Restart();
    }

    [LoggerMessage(EventId = 3111, Level = LogLevel.Warning, Message = "Kafka consume from {Topic} failed ({Code}: {Reason}); consuming goes on")]
    private partial void LogConsumeFailed(string topic, ErrorCode code, string reason);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Error, Message = "Storing the record at {Position} failed; it will be read again")]
    private partial void LogHandlerFailed(string position, Exception exception);

    [LoggerMessage(EventId = 3113, Level = LogLevel.Warning, Message = "Skipped the record at {Position}: not a Fatechat bus event")]
    private partial void LogUnreadableRecord(string position);

    [LoggerMessage(EventId = 3114, Level = LogLevel.Warning, Message = "Committing offsets of group {GroupId} failed ({Reason}); the records will be replayed and stored once")]
    private partial void LogCommitFailed(string groupId, string reason);

    [LoggerMessage(EventId = 3115, Level = LogLevel.Debug, Message = "Could not store the offset of {Position} ({Reason}); the partition was reassigned")]
    private partial void LogStoreOffsetFailed(string position, string reason);

    [LoggerMessage(EventId = 3116, Level = LogLevel.Warning, Message = "Persistence partitions lost without a commit: {Partitions}")]
    private partial void LogPartitionsLost(string partitions);

    [LoggerMessage(EventId = 3117, Level = LogLevel.Warning, Message = "Kafka client of group {GroupId} reports {Code}: {Reason}")]
    private partial void LogClientError(string groupId, ErrorCode code, string reason);
}
