using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using Fatechat.Server.Diagnostics;

namespace Fatechat.Server.Messaging;

/// <summary>
/// One member of the persistence group shared by all nodes: blocks in <c>Consume</c> on its own thread and hands
/// the records of the messages topic to the handler (the store and the cache append) in batches: what the client
/// has fetched already, up to <see cref="PersistenceBatch.MaxEvents"/>, one batch at a time. A record's offset is stored only after its handler returned, and stored offsets are committed in small batches:
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

    // Per partition, the first record consumed and not yet stored: what the lag gauge counts from.
    private readonly ConcurrentDictionary<TopicPartition, Offset> _unstored = new();
    private int _pending;

    /// <summary>Runs until <paramref name="stop"/> is cancelled (then commits and leaves the group) or a fatal client error.</summary>
    public void Run(Func<IReadOnlyList<ChatBusEvent>, CancellationToken, ValueTask> handler, CancellationToken stop)
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
            .SetPartitionsRevokedHandler((c, partitions) =>
            {
                Commit(c);
                partitions.ForEach(p => _unstored.TryRemove(p.TopicPartition, out _));
            })
            .SetPartitionsLostHandler((lostBy, partitions) =>
            {
                LogPartitionsLost(string.Join(", ", partitions));
                partitions.ForEach(p => _unstored.TryRemove(p.TopicPartition, out _));
            })
            .Build();
        using var lag = KafkaConsumerLag.Track(configs.Options.PersistenceGroupId, consumer,
            partition => _unstored.TryGetValue(partition, out var first) ? first : null);
        consumer.Subscribe(codec.MessagesTopic);
        try
        {
            var failures = 0;
            var records = new List<ConsumeResult<Ignore, byte[]>>(PersistenceBatch.MaxEvents);
            while (true)
            {
                stop.ThrowIfCancellationRequested();
                records.Clear();
                // With offsets waiting to be committed, look without blocking: nothing more to read commits them.
                if (!TryConsume(consumer, _pending == 0 ? null : TimeSpan.Zero, stop, records))
                {
                    Commit(consumer);
                    continue;
                }

                // Then whatever the client has fetched already, without waiting for more.
                while (records.Count < PersistenceBatch.MaxEvents && TryConsume(consumer, TimeSpan.Zero, stop, records))
                {
                }

                foreach (var record in records)
                {
                    _unstored.TryAdd(record.TopicPartition, record.Offset);
                }

                if (!TryHandle(handler, records, stop))
                {
                    // Not stored: read the same records again after a pause rather than skip past them.
                    foreach (var first in records.GroupBy(r => r.TopicPartition).Select(p => p.MinBy(r => r.Offset.Value)!))
                    {
                        consumer.Seek(first.TopicPartitionOffset);
                    }

                    stop.WaitHandle.WaitOne(RetryDelays[Math.Min(failures++, RetryDelays.Length - 1)]);
                    continue;
                }

                failures = 0;
                foreach (var record in records)
                {
                    StoreOffset(consumer, record);
                    _unstored.TryRemove(record.TopicPartition, out _);
                }

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

    /// <summary>Adds the next record to <paramref name="records"/>; false when none came (null timeout: blocks until one does).</summary>
    private bool TryConsume(IConsumer<Ignore, byte[]> consumer, TimeSpan? timeout, CancellationToken stop, List<ConsumeResult<Ignore, byte[]>> records)
    {
        try
        {
            var result = timeout is { } wait ? consumer.Consume(wait) : consumer.Consume(stop);
            if (result is null)
            {
                return false;
            }

            records.Add(result);
            return true;
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            ServerMetrics.BackendFailed(ServerMetrics.Backends.Kafka);
            LogConsumeFailed(codec.MessagesTopic, e.Error.Code, e.Error.Reason);
            return false;
        }
    }

    private bool TryHandle(Func<IReadOnlyList<ChatBusEvent>, CancellationToken, ValueTask> handler,
        List<ConsumeResult<Ignore, byte[]>> records, CancellationToken stop)
    {
        var batch = new List<ChatBusEvent>(records.Count);
        foreach (var record in records)
        {
            if (KafkaRecordCodec.TryDecode(record.Message.Value) is { } chatEvent)
            {
                batch.Add(chatEvent);
            }
            else
            {
                LogUnreadableRecord(record.TopicPartitionOffset.ToString());
            }
        }

        if (batch.Count == 0)
        {
            return true;
        }

        try
        {
            // This thread is the consumer's own, so waiting here keeps one batch in flight per node.
            var handled = handler(batch, stop);
            if (!handled.IsCompletedSuccessfully)
            {
                handled.AsTask().GetAwaiter().GetResult();
            }

            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            LogHandlerFailed(records[0].TopicPartitionOffset.ToString(), records.Count, e);
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

    [LoggerMessage(EventId = 3112, Level = LogLevel.Error, Message = "Storing the records from {Position} ({Count} in the batch) failed; they will be read again")]
    private partial void LogHandlerFailed(string position, int count, Exception exception);

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
