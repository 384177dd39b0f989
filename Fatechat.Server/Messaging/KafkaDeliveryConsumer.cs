using System.Threading.Channels;
using Confluent.Kafka;
using Fatechat.Server.Diagnostics;

namespace Fatechat.Server.Messaging;

/// <summary>
/// This node's member of its own delivery group: blocks in <c>Consume</c> on its own thread, reads both topics and
/// queues every event for this node's sockets. It starts before the node accepts sockets (see
/// <see cref="KafkaChatBus.StartAsync"/>) and waits for its first assignment, so nothing a client sends after
/// connecting can be missed.
/// <list type="bullet">
/// <item>Start offsets are fixed when partitions are assigned: where this process left off after a rebalance, else
/// the end of the partition. Sockets of a previous process are gone, so its backlog is not replayed; clients ask
/// for history with <c>getRecentMessages</c>.</item>
/// <item>Nothing is committed: delivery is at most once per node, and never waits for the database.</item>
/// </list>
/// </summary>
internal sealed partial class KafkaDeliveryConsumer(KafkaClientConfigs configs, KafkaRecordCodec codec, ILogger logger) : IDisposable
{
    private const int QueueCapacity = 65_536;
    private static readonly TimeSpan WatermarkTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<ChatBusEvent> _events = Channel.CreateBounded<ChatBusEvent>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly TaskCompletionSource _assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<TopicPartition, Offset> _next = [];
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;

    /// <summary>Completes at the first partition assignment.</summary>
    public Task Assigned => _assigned.Task;

    public ChannelReader<ChatBusEvent> Events => _events.Reader;

    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "kafka-delivery" };
        _thread.Start();
    }

    /// <summary>Leaves the group (<c>Close()</c>) and ends <see cref="Events"/>.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        if (_thread is { } thread && thread != Thread.CurrentThread)
        {
            thread.Join(TimeSpan.FromSeconds(15));
        }

        _stop.Dispose();
    }

    private void Run()
    {
        var stop = _stop.Token;
        try
        {
            var clientLog = new KafkaClientLog(logger);
            using var consumer = new ConsumerBuilder<Ignore, byte[]>(configs.Delivery())
                .SetLogHandler((_, message) => clientLog.OnLog(message))
                .SetErrorHandler((_, error) =>
                {
                    if (clientLog.ShouldLog(error.Code, out int _))
                    {
                        LogClientError(configs.DeliveryGroupId, error.Code, error.Reason);
                    }
                })
                .SetPartitionsAssignedHandler((c, partitions) =>
                {
                    var offsets = partitions.Select(p => new TopicPartitionOffset(p, StartOffset(c, p))).ToList();
                    foreach (var start in offsets.Where(o => o.Topic == codec.MessagesTopic && o.Offset.Value >= 0))
                    {
                        _events.Writer.TryWrite(new DeliveryStarted(start.Partition.Value, start.Offset.Value));
                    }

                    _assigned.TrySetResult();
                    return offsets;
                })
                .Build();
            using var lag = KafkaConsumerLag.Track(configs.DeliveryGroupId, consumer);
            consumer.Subscribe([codec.MessagesTopic, codec.EventsTopic]);
            try
            {
                ConsumeUntilStopped(consumer, stop);
            }
            finally
            {
                consumer.Close();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogDeliveryStopped(configs.DeliveryGroupId, e);
            _events.Writer.TryComplete(e);
            _assigned.TrySetException(e);
            return;
        }

        _events.Writer.TryComplete();
        _assigned.TrySetCanceled(stop);
    }

    private void ConsumeUntilStopped(IConsumer<Ignore, byte[]> consumer, CancellationToken stop)
    {
        while (true)
        {
            ConsumeResult<Ignore, byte[]> result;
            try
            {
                result = consumer.Consume(stop);
            }
            catch (ConsumeException e) when (!e.Error.IsFatal)
            {
                ServerMetrics.BackendFailed(ServerMetrics.Backends.Kafka);
                LogConsumeFailed(configs.DeliveryGroupId, e.Error.Code, e.Error.Reason);
                continue;
            }

            _next[result.TopicPartition] = result.Offset + 1;
            if (KafkaRecordCodec.TryDecode(result.Message.Value) is not { } chatEvent)
            {
                LogUnreadableRecord(result.TopicPartitionOffset.ToString());
                continue;
            }

            if (result.Topic == codec.MessagesTopic)
            {
                chatEvent = chatEvent with { Position = new BusPosition(result.Partition.Value, result.Offset.Value) };
            }

            if (!_events.Writer.TryWrite(chatEvent))
            {
                // The sockets fall behind: wait for room rather than drop an event.
                _events.Writer.WriteAsync(chatEvent, stop).AsTask().GetAwaiter().GetResult();
            }
        }
    }

    private Offset StartOffset(IConsumer<Ignore, byte[]> consumer, TopicPartition partition)
    {
        if (_next.TryGetValue(partition, out var next))
        {
            return next;
        }

        try
        {
            // A number, not Offset.End: "end" would be resolved at the first fetch, after Assigned has completed.
            return consumer.QueryWatermarkOffsets(partition, WatermarkTimeout).High;
        }
        catch (KafkaException e)
        {
            LogWatermarkFailed(partition.ToString(), e.Error.Reason);
            return Offset.End;
        }
    }

    [LoggerMessage(EventId = 3121, Level = LogLevel.Warning, Message = "Kafka consume for group {GroupId} failed ({Code}: {Reason}); consuming goes on")]
    private partial void LogConsumeFailed(string groupId, ErrorCode code, string reason);

    [LoggerMessage(EventId = 3122, Level = LogLevel.Warning, Message = "Skipped the record at {Position}: not a Fatechat bus event")]
    private partial void LogUnreadableRecord(string position);

    [LoggerMessage(EventId = 3123, Level = LogLevel.Warning, Message = "Could not read the end of {Partition} ({Reason}); delivery starts at the client's idea of the end")]
    private partial void LogWatermarkFailed(string partition, string reason);

    [LoggerMessage(EventId = 3124, Level = LogLevel.Critical, Message = "Kafka delivery consumer of group {GroupId} stopped")]
    private partial void LogDeliveryStopped(string groupId, Exception exception);

    [LoggerMessage(EventId = 3125, Level = LogLevel.Warning, Message = "Kafka client of group {GroupId} reports {Code}: {Reason}")]
    private partial void LogClientError(string groupId, ErrorCode code, string reason);
}
