using System.Threading.Channels;
using Confluent.Kafka;
using Fatechat.Server.Diagnostics;

namespace Fatechat.Server.Messaging;

/// <summary>
/// This node's reader of both topics: blocks in <c>Consume</c> on its own thread and queues every event for this
/// node's sockets. It assigns itself every partition rather than joining a consumer group, because a group would
/// only get in the way of a fan-out that every node does on its own:
/// <list type="bullet">
/// <item>a node restarted with its id (compose pins the ids) would wait for the dead member's session to expire
/// before getting any partition, and its sockets would silently miss what was sent meanwhile;</item>
/// <item>there is no rebalance to pause delivery when nodes come and go, and no group to leave on shutdown.</item>
/// </list>
/// It starts before the node accepts sockets (see <see cref="KafkaChatBus.StartAsync"/>): <see cref="Assigned"/>
/// completes once every partition's start, its current end, is known, so nothing a client sends after connecting
/// can be missed. Sockets of a previous process are gone, so no backlog is replayed; clients ask for history with
/// <c>getRecentMessages</c>. Nothing is committed: delivery is at most once per node and never waits for the
/// database. A topic that gains partitions later is not read until the node restarts.
/// </summary>
internal sealed partial class KafkaDeliveryConsumer(KafkaClientConfigs configs, KafkaRecordCodec codec, ILogger logger) : IDisposable
{
    private const int QueueCapacity = 65_536;
    private static readonly TimeSpan MetadataRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan WatermarkTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<ChatBusEvent> _events = Channel.CreateBounded<ChatBusEvent>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly TaskCompletionSource _assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;

    /// <summary>Completes once every partition of both topics is assigned at a known offset.</summary>
    public Task Assigned => _assigned.Task;

    public ChannelReader<ChatBusEvent> Events => _events.Reader;

    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "kafka-delivery" };
        _thread.Start();
    }

    /// <summary>Stops reading and ends <see cref="Events"/>.</summary>
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
                    if (clientLog.ShouldLog(error.Code, out int heldBack))
                    {
                        LogClientError(configs.NodeId, error.Code, error.Reason, heldBack);
                    }
                })
                .Build();
            using var lag = KafkaConsumerLag.Track(configs.DeliveryGroupId, consumer);
            var starts = StartOffsets(consumer, stop);
            consumer.Assign(starts);
            foreach (var start in starts.Where(o => o.Topic == codec.MessagesTopic))
            {
                _events.Writer.TryWrite(new DeliveryStarted(start.Partition.Value, start.Offset.Value));
            }

            _assigned.TrySetResult();
            LogAssigned(configs.NodeId, starts.Count);
            ConsumeUntilStopped(consumer, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogDeliveryStopped(configs.NodeId, e);
            _events.Writer.TryComplete(e);
            _assigned.TrySetException(e);
            return;
        }

        _events.Writer.TryComplete();
        _assigned.TrySetCanceled(stop);
    }

    /// <summary>Every partition of both topics at its current end (a number, so nothing sent after this is skipped).</summary>
    private List<TopicPartitionOffset> StartOffsets(IConsumer<Ignore, byte[]> consumer, CancellationToken stop)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        while (true)
        {
            stop.ThrowIfCancellationRequested();
            try
            {
                var metadata = admin.GetMetadata(WatermarkTimeout);
                var partitions = metadata.Topics
                    .Where(t => (t.Topic == codec.MessagesTopic || t.Topic == codec.EventsTopic) && !t.Error.IsError)
                    .SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId)))
                    .ToList();
                if (partitions.Select(p => p.Topic).Distinct().Count() == 2)
                {
                    return partitions.Select(p => new TopicPartitionOffset(p, consumer.QueryWatermarkOffsets(p, WatermarkTimeout).High)).ToList();
                }

                LogTopicsNotVisible(codec.MessagesTopic, codec.EventsTopic);
            }
            catch (KafkaException e)
            {
                LogStartOffsetsFailed(e.Error.Reason);
            }

            stop.WaitHandle.WaitOne(MetadataRetryDelay);
        }
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
                LogConsumeFailed(configs.NodeId, e.Error.Code, e.Error.Reason);
                continue;
            }

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

    [LoggerMessage(EventId = 3121, Level = LogLevel.Warning, Message = "Kafka delivery consumer of node {NodeId} failed to consume ({Code}: {Reason}); consuming goes on")]
    private partial void LogConsumeFailed(string nodeId, ErrorCode code, string reason);

    [LoggerMessage(EventId = 3122, Level = LogLevel.Warning, Message = "Skipped the record at {Position}: not a Fatechat bus event")]
    private partial void LogUnreadableRecord(string position);

    [LoggerMessage(EventId = 3123, Level = LogLevel.Warning, Message = "Could not read the partitions and their ends ({Reason}); trying again")]
    private partial void LogStartOffsetsFailed(string reason);

    [LoggerMessage(EventId = 3124, Level = LogLevel.Critical, Message = "Kafka delivery consumer of node {NodeId} stopped")]
    private partial void LogDeliveryStopped(string nodeId, Exception exception);

    [LoggerMessage(EventId = 3125, Level = LogLevel.Warning, Message = "Kafka delivery consumer of node {NodeId} reports {Code}: {Reason} ({HeldBack} repeats not logged)")]
    private partial void LogClientError(string nodeId, ErrorCode code, string reason, int heldBack);

    [LoggerMessage(EventId = 3126, Level = LogLevel.Warning, Message = "Topics {MessagesTopic} and {EventsTopic} are not both visible yet; trying again")]
    private partial void LogTopicsNotVisible(string messagesTopic, string eventsTopic);

    [LoggerMessage(EventId = 3127, Level = LogLevel.Information, Message = "Kafka delivery of node {NodeId} reads {Count} partitions from their ends; this node receives every event")]
    private partial void LogAssigned(string nodeId, int count);
}
