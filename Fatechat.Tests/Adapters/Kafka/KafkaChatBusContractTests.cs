using Fatechat.Server.Messaging;

namespace Fatechat.Tests.Adapters.Kafka;

/// <summary>
/// The single-node bus contract on Kafka. One broker and one partition per topic: the contract expects publish
/// order across rooms, which Kafka keeps only within a partition (per-room order on several partitions is
/// <see cref="KafkaChatBusTests"/>' business).
/// </summary>
[CancelAfter(60_000)]
public sealed class KafkaChatBusContractTests : ChatBusContract
{
    private KafkaTestBus _kafka = null!;

    [SetUp]
    public void StartCluster() => _kafka = KafkaTestBus.Start(brokers: 1, partitions: 1);

    [TearDown]
    public void StopCluster() => _kafka.Dispose();

    protected override async Task<IChatBus> CreateBusAsync() => await _kafka.StartedBusAsync("contract-" + Guid.NewGuid().ToString("N")[..8]);
}
