using Fatechat.KafkaMock;
using Fatechat.Server.Messaging;
using Fatechat.Server.Options;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fatechat.Tests.Adapters.Kafka;

/// <summary>
/// KafkaChatBus instances ("nodes") on one in-process mock cluster, with the chat topics created the way the mock
/// allows. Each test gets a cluster of its own, so consumer groups and committed offsets start empty.
/// </summary>
internal sealed class KafkaTestBus : IDisposable
{
    public const string MessagesTopic = "chat-messages";
    public const string EventsTopic = "chat-events";

    private readonly List<KafkaChatBus> _buses = [];

    private KafkaTestBus(KafkaMockCluster cluster) => Cluster = cluster;

    public KafkaMockCluster Cluster { get; }

    public static KafkaTestBus Start(int brokers = 3, int partitions = 3) =>
        new(KafkaMockCluster.Start(brokers, [MessagesTopic, EventsTopic], partitions));

    public KafkaOptions Options(Action<KafkaOptions>? configure = null)
    {
        var options = new KafkaOptions
        {
            BootstrapServers = Cluster.BootstrapServers,
            MessagesTopic = MessagesTopic,
            EventsTopic = EventsTopic,
            // The mock holds an empty fetch for the whole wait; real brokers answer as soon as records arrive.
            FetchWaitMaxMs = 10,
            SessionTimeoutMs = 6_000,
            StartupTimeoutSeconds = 20,
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A node's bus, not yet started: the persistence consumer needs no start, delivery does.</summary>
    public KafkaChatBus NewBus(string nodeId, KafkaOptions? options = null)
    {
        var configs = new KafkaClientConfigs(options ?? Options(), nodeId);
        var bus = new KafkaChatBus(configs, new KafkaTopicInitializer(configs, NullLogger<KafkaTopicInitializer>.Instance), NullLoggerFactory.Instance);
        lock (_buses)
        {
            _buses.Add(bus);
        }

        return bus;
    }

    /// <summary>A node's bus whose delivery group has its partitions, as after the host's start-up.</summary>
    public async Task<KafkaChatBus> StartedBusAsync(string nodeId, KafkaOptions? options = null)
    {
        var bus = NewBus(nodeId, options);
        await bus.StartAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return bus;
    }

    public void Dispose()
    {
        lock (_buses)
        {
            foreach (var bus in _buses)
            {
                bus.Dispose();
            }
        }

        Cluster.Dispose();
    }
}
