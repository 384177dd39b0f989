using Confluent.Kafka;
using Fatechat.Server.Diagnostics;

namespace Fatechat.Server.Messaging;

/// <summary>
/// The bus for several nodes: one idempotent producer per process, the persistence group shared by all nodes
/// (each message stored once) and one delivery consumer per node reading every partition (each node sends every
/// event to its own sockets).
/// See <see cref="KafkaRecordCodec"/> for topics and keys, <see cref="KafkaPersistenceConsumer"/> and
/// <see cref="KafkaDeliveryConsumer"/> for the two consumers. <see cref="ChatMessagePipeline"/> drives both, as it
/// does the in-process bus.
/// </summary>
public sealed partial class KafkaChatBus : IChatBus, IDisposable
{
    private readonly KafkaClientConfigs _configs;
    private readonly KafkaRecordCodec _codec;
    private readonly KafkaTopicInitializer _topics;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<KafkaChatBus> _logger;
    private readonly IProducer<string, byte[]> _producer;
    private readonly KafkaClientLog _publishLog;
    private readonly Lock _lock = new();
    private KafkaDeliveryConsumer? _delivery;
    private bool _deliveryClaimed;
    private int _disposed;

    public KafkaChatBus(KafkaClientConfigs configs, KafkaTopicInitializer topics, ILoggerFactory loggers)
    {
        _configs = configs;
        _codec = new KafkaRecordCodec(configs.Options);
        _topics = topics;
        _loggers = loggers;
        _logger = loggers.CreateLogger<KafkaChatBus>();
        var clientLog = new KafkaClientLog(_logger);
        _publishLog = new KafkaClientLog(_logger);
        _producer = new ProducerBuilder<string, byte[]>(configs.Producer())
            .SetLogHandler((_, message) => clientLog.OnLog(message))
            .SetErrorHandler((_, error) =>
            {
                if (clientLog.ShouldLog(error.Code, out int _))
                {
                    LogProducerError(error.Code, error.Reason);
                }
            })
            .Build();
    }

    /// <summary>
    /// Hands the event to the producer before it returns (its order among this node's sends is fixed then), and
    /// completes at the brokers' acknowledgement: within <see cref="Options.KafkaOptions.SendTimeoutMs"/>, or fails.
    /// Failures are logged once per kind and <see cref="KafkaClientLog.RepeatInterval"/>, not per send: with the
    /// brokers gone every send fails the same way.
    /// </summary>
    public async ValueTask PublishAsync(ChatBusEvent chatEvent, CancellationToken cancellationToken)
    {
        var (topic, key) = _codec.Route(chatEvent);
        try
        {
            await _producer.ProduceAsync(topic, new Message<string, byte[]> { Key = key, Value = KafkaRecordCodec.Encode(chatEvent) }, cancellationToken);
        }
        catch (ProduceException<string, byte[]> e)
        {
            if (_publishLog.ShouldLog(e.Error.Code, out var heldBack))
            {
                LogPublishFailed(topic, e.Error.Code, e.Error.Reason, heldBack);
            }

            ServerMetrics.BackendFailed(ServerMetrics.Backends.Kafka);
            throw new KafkaException(new Error(e.Error.Code, $"Publishing {chatEvent.GetType().Name} to topic {topic} (key {key}) failed: {e.Error.Reason}"), e);
        }
    }

    /// <summary>
    /// Checks or creates the topics, then starts this node's delivery consumer and waits (up to the start-up budget)
    /// for its partitions, so that a socket accepted after this returns misses no event; past the budget the node
    /// does not start. Idempotent.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _topics.EnsureTopicsAsync().WaitAsync(cancellationToken);
        var delivery = EnsureDeliveryStarted();
        var budget = TimeSpan.FromSeconds(_configs.Options.StartupTimeoutSeconds);
        try
        {
            await delivery.Assigned.WaitAsync(budget, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Accepting sockets now would let their users miss what is sent until delivery starts.
            throw new Hosting.FatechatConfigurationException(
                $"Kafka at {_configs.Options.BootstrapServers} did not tell where the partitions of {_codec.MessagesTopic} and {_codec.EventsTopic} end within {budget.TotalSeconds:0} s; this node cannot deliver messages.");
        }
    }

    /// <summary>
    /// Throws unless a broker answers a metadata request for the messages topic on the producer's own connections
    /// (what <c>/ready</c> asks: a send would wait for the same brokers).
    /// </summary>
    public Task CheckBrokersAsync(CancellationToken cancellationToken) => Task.Run(() =>
    {
        using var admin = new DependentAdminClientBuilder(_producer.Handle).Build();
        var metadata = admin.GetMetadata(_codec.MessagesTopic, TimeSpan.FromSeconds(2));
        var topic = metadata.Topics.SingleOrDefault();
        if (topic is null || topic.Error.IsError || topic.Partitions.Count == 0)
        {
            throw new KafkaException(topic?.Error ?? new Error(ErrorCode.UnknownTopicOrPart, $"no metadata for {_codec.MessagesTopic}"));
        }
    }, cancellationToken);

    /// <summary>Offsets of the messages topic are the same for every node.</summary>
    public string PositionScope => "k" + _codec.MessagesTopic;

    public async Task ConsumeBatchesAsync(Func<IReadOnlyList<ChatBusEvent>, CancellationToken, ValueTask> handler, CancellationToken cancellationToken)
    {
        await _topics.EnsureTopicsAsync().WaitAsync(cancellationToken);
        var consumer = new KafkaPersistenceConsumer(_configs, _codec, _loggers.CreateLogger<KafkaPersistenceConsumer>());
        await Task.Factory.StartNew(() => consumer.Run(handler, cancellationToken), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public async Task ConsumeAsync(ChatBusSubscription subscription, Func<ChatBusEvent, CancellationToken, ValueTask> handler, CancellationToken cancellationToken)
    {
        if (subscription == ChatBusSubscription.Persistence)
        {
            await ConsumeBatchesAsync(PersistenceBatch.OneByOne(handler), cancellationToken);
            return;
        }

        await _topics.EnsureTopicsAsync().WaitAsync(cancellationToken);

        lock (_lock)
        {
            if (_deliveryClaimed)
            {
                throw new InvalidOperationException("This node's delivery events already have a consumer; a node has one delivery subscription.");
            }

            _deliveryClaimed = true;
        }

        try
        {
            var events = EnsureDeliveryStarted().Events;
            await foreach (var chatEvent in events.ReadAllAsync(cancellationToken))
            {
                await handler(chatEvent, cancellationToken);
            }
        }
        finally
        {
            lock (_lock)
            {
                _deliveryClaimed = false;
            }
        }
    }

    /// <summary>Stops this node's delivery consumer; called when the host stops.</summary>
    public void StopDelivery()
    {
        KafkaDeliveryConsumer? delivery;
        lock (_lock)
        {
            delivery = _delivery;
            _delivery = null;
        }

        delivery?.Dispose();
    }

    /// <summary>Stops delivery and sends what the producer still holds.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        StopDelivery();
        var unsent = _producer.Flush(TimeSpan.FromSeconds(10));
        if (unsent > 0)
        {
            LogUnsentOnShutdown(unsent);
        }

        _producer.Dispose();
    }

    private KafkaDeliveryConsumer EnsureDeliveryStarted()
    {
        lock (_lock)
        {
            if (_delivery is null)
            {
                _delivery = new KafkaDeliveryConsumer(_configs, _codec, _loggers.CreateLogger<KafkaDeliveryConsumer>());
                _delivery.Start();
            }

            return _delivery;
        }
    }

    [LoggerMessage(EventId = 3133, Level = LogLevel.Warning, Message = "Kafka producer reports {Code}: {Reason}")]
    private partial void LogProducerError(ErrorCode code, string reason);

    [LoggerMessage(EventId = 3135, Level = LogLevel.Warning, Message = "Sends to Kafka topic {Topic} fail ({Code}: {Reason}); their senders are told to try again ({HeldBack} more failures since the last line)")]
    private partial void LogPublishFailed(string topic, ErrorCode code, string reason, int heldBack);

    [LoggerMessage(EventId = 3134, Level = LogLevel.Warning, Message = "{Count} chat events were still unsent when the Kafka producer closed")]
    private partial void LogUnsentOnShutdown(int count);
}
