using System.Collections.Concurrent;
using Confluent.Kafka;
using Fatechat.Server.Caching;
using Fatechat.Server.Hosting;
using Fatechat.Server.Messaging;
using Fatechat.Server.Options;
using Fatechat.Server.Storage;
using Fatechat.Tests.Adapters.Sqlite;
using Fatechat.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fatechat.Tests.Adapters.Kafka;

/// <summary>
/// What only a bus shared by several nodes does, on the mock cluster (3 brokers, 3 partitions per topic): fan-out
/// to every node's group, one store per message across nodes, per-room order, committed offsets across restarts,
/// and start-up when the cluster will not create topics.
/// </summary>
[TestFixture]
[CancelAfter(90_000)]
public sealed class KafkaChatBusTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private KafkaTestBus _kafka = null!;
    private readonly List<(CancellationTokenSource Stop, Task Consuming)> _consumers = [];

    [SetUp]
    public void StartCluster() => _kafka = KafkaTestBus.Start();

    [TearDown]
    public void StopCluster()
    {
        foreach (var (stop, _) in _consumers)
        {
            stop.Cancel();
        }

        // Consumers leave their groups while the cluster still answers.
        Task.WhenAll(_consumers.Select(c => c.Consuming)).ContinueWith(_ => { }).Wait(TimeSpan.FromSeconds(20));
        _consumers.Clear();
        _kafka.Dispose();
    }

    [Test]
    public async Task EveryNodeDeliveryGroupReceivesEveryEvent()
    {
        var nodeA = await _kafka.StartedBusAsync("node-a");
        var nodeB = await _kafka.StartedBusAsync("node-b");
        var deliveredA = Record(nodeA, ChatBusSubscription.Delivery);
        var deliveredB = Record(nodeB, ChatBusSubscription.Delivery);
        var room = AdapterTestData.RoomName();
        var published = new List<ChatBusEvent>();
        for (var i = 0; i < 30; i++)
        {
            published.Add(new RoomMessagePosted(AdapterTestData.Message(room, $"m{i}")));
        }

        published.Add(new RoomMessagePosted(AdapterTestData.Message(room, "x joined the room"), PresenceChanged: true));
        // Typing travels on the events topic, which only the delivery groups read.
        published.Add(new RoomTypingChanged(room, AdapterTestData.Email(), IsTyping: true));
        published.Add(new PrivateMessagePosted(AdapterTestData.Private(AdapterTestData.Email(), AdapterTestData.Email())));
        for (var i = 0; i < published.Count; i++)
        {
            // Half from each node: where an event was published does not matter.
            await (i % 2 == 0 ? nodeA : nodeB).PublishAsync(published[i], CancellationToken.None);
        }

        await AsyncTimeout.UntilAsync(() => deliveredA.Count >= published.Count && deliveredB.Count >= published.Count,
            "both nodes received every event", Deadline);
        Assert.That(deliveredA, Is.EquivalentTo(published));
        Assert.That(deliveredB, Is.EquivalentTo(published));
    }

    [Test]
    public async Task EachMessageIsStoredOnceWithTwoNodesInThePersistenceGroup()
    {
        using var db = new SqliteTestDatabase();
        var repository = new SqliteMessageRepository(await db.MigratedAsync());
        var nodeA = new RecordingMessageRepository(repository);
        var nodeB = new RecordingMessageRepository(repository);
        var busA = await _kafka.StartedBusAsync("node-a");
        var busB = await _kafka.StartedBusAsync("node-b");
        using var pipelineA = await StartPipelineAsync(busA, nodeA);
        using var pipelineB = await StartPipelineAsync(busB, nodeB);
        var rooms = Enumerable.Range(0, 12).Select(_ => AdapterTestData.RoomName()).ToArray();

        // Warm-up until both nodes have stored something: both are then members with partitions of their own.
        var warmUp = 0;
        await AsyncTimeout.UntilAsync(() =>
        {
            _ = busA.PublishAsync(new RoomMessagePosted(AdapterTestData.Message(rooms[warmUp++ % rooms.Length], "warm-up")), CancellationToken.None);
            return nodeA.Writes.Count > 0 && nodeB.Writes.Count > 0;
        }, "both nodes store messages", Deadline);
        await AsyncTimeout.UntilAsync(() => nodeA.Writes.Count + nodeB.Writes.Count >= warmUp, "the warm-up is stored", Deadline);
        nodeA.Writes.Clear();
        nodeB.Writes.Clear();

        var messages = Enumerable.Range(0, 240).Select(i => AdapterTestData.Message(rooms[i % rooms.Length], $"m{i}")).ToList();
        var direct = AdapterTestData.Private(AdapterTestData.Email(), AdapterTestData.Email());
        await Task.WhenAll(messages.Select((m, i) => (i % 2 == 0 ? busA : busB).PublishAsync(new RoomMessagePosted(m), CancellationToken.None).AsTask()));
        await busB.PublishAsync(new PrivateMessagePosted(direct), CancellationToken.None);

        var ids = messages.Select(m => m.Id).Append(direct.Id).ToHashSet();
        List<string> Handled() => nodeA.Writes.Concat(nodeB.Writes).Where(ids.Contains).ToList();
        await AsyncTimeout.UntilAsync(() => Handled().Count >= ids.Count, "every message is stored", Deadline);
        Assert.That(Handled(), Is.EquivalentTo(ids), "each message is handled by exactly one node");
        Assert.That(nodeA.Writes, Is.Not.Empty, "node A holds partitions of the shared group");
        Assert.That(nodeB.Writes, Is.Not.Empty, "node B holds partitions of the shared group");
        foreach (var room in rooms)
        {
            var stored = await repository.GetRoomMessagesAsync(room, null, 100, CancellationToken.None);
            var expected = messages.Where(m => m.RoomName == room).Select(m => m.Id);
            Assert.That(stored.Where(m => m.Text != "warm-up").Select(m => m.Id), Is.EquivalentTo(expected), $"room {room} stored once");
        }
    }

    [Test]
    public async Task EachRoomKeepsItsOrderAcrossPartitions()
    {
        var bus = await _kafka.StartedBusAsync("node-a");
        var delivered = Record(bus, ChatBusSubscription.Delivery);
        var persisted = Record(bus, ChatBusSubscription.Persistence);
        var rooms = Enumerable.Range(0, 6).Select(_ => AdapterTestData.RoomName()).ToArray();
        var messages = Enumerable.Range(0, 300).Select(i => AdapterTestData.Message(rooms[i % rooms.Length], $"{i}")).ToList();

        // Not awaited one by one: the producer batches them, and retries must not reorder a partition (idempotence).
        await Task.WhenAll(messages.Select(m => bus.PublishAsync(new RoomMessagePosted(m), CancellationToken.None).AsTask()));

        await AsyncTimeout.UntilAsync(() => delivered.Count >= messages.Count && persisted.Count >= messages.Count, "every message arrived", Deadline);
        foreach (var (name, received) in new[] { ("delivery", delivered), ("persistence", persisted) })
        {
            var byRoom = received.Cast<RoomMessagePosted>().GroupBy(e => e.Message.RoomName).ToList();
            Assert.That(byRoom.Select(g => g.Key), Is.EquivalentTo(rooms));
            foreach (var room in byRoom)
            {
                Assert.That(room.Select(e => int.Parse(e.Message.Text)), Is.Ordered.And.Unique, $"{name}: room {room.Key} in send order");
            }
        }

        var partitions = await PartitionsUsedAsync(rooms);
        Assert.That(partitions, Is.GreaterThan(1), "the rooms should spread over several partitions for this test to mean anything");
    }

    [Test]
    public async Task RestartedPersistenceConsumerResumesAfterTheCommittedOffsets()
    {
        var rooms = Enumerable.Range(0, 9).Select(_ => AdapterTestData.RoomName()).ToArray();
        var first = Enumerable.Range(0, 45).Select(i => new RoomMessagePosted(AdapterTestData.Message(rooms[i % rooms.Length], $"first {i}"))).ToList();
        var second = Enumerable.Range(0, 45).Select(i => new RoomMessagePosted(AdapterTestData.Message(rooms[i % rooms.Length], $"second {i}"))).ToList();

        var before = _kafka.NewBus("node-a");
        var stop = new CancellationTokenSource();
        var seenBefore = new ConcurrentQueue<ChatBusEvent>();
        var consuming = before.ConsumeAsync(ChatBusSubscription.Persistence, (e, _) => { seenBefore.Enqueue(e); return ValueTask.CompletedTask; }, stop.Token);
        foreach (var e in first)
        {
            await before.PublishAsync(e, CancellationToken.None);
        }

        await AsyncTimeout.UntilAsync(() => seenBefore.Count >= first.Count, "the first batch is consumed", Deadline);
        await stop.CancelAsync();
        await consuming.WaitAsync(Deadline);
        before.Dispose();

        // Published while no node consumes; a room's second batch sits behind its first in the same partition.
        var publisher = _kafka.NewBus("publisher");
        foreach (var e in second)
        {
            await publisher.PublishAsync(e, CancellationToken.None);
        }

        var after = _kafka.NewBus("node-a");
        var seenAfter = Record(after, ChatBusSubscription.Persistence);
        await AsyncTimeout.UntilAsync(() => seenAfter.Count >= second.Count, "the second batch is consumed", Deadline);

        Assert.That(seenBefore, Is.EquivalentTo(first));
        Assert.That(seenAfter, Is.EquivalentTo(second), "nothing of the committed first batch is read again");
    }

    [Test]
    public async Task StartupGoesOnWhenTopicCreationFailsButTheTopicsExist()
    {
        // The mock cannot create topics through the AdminClient; a producer's first record auto-creates one.
        const string lateTopic = "chat-messages-created-elsewhere";
        var options = _kafka.Options(o =>
        {
            o.MessagesTopic = lateTopic;
            o.StartupTimeoutSeconds = 3;
        });
        var bus = _kafka.NewBus("node-a", options);
        var starting = bus.StartAsync(CancellationToken.None);
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = _kafka.Cluster.BootstrapServers }).Build())
        {
            await producer.ProduceAsync(lateTopic, new Message<Null, string> { Value = "not a Fatechat event" });
        }

        await starting.WaitAsync(Deadline);
        var delivered = Record(bus, ChatBusSubscription.Delivery);
        var room = AdapterTestData.RoomName();
        var message = new RoomMessagePosted(AdapterTestData.Message(room));
        await bus.PublishAsync(message, CancellationToken.None);
        await AsyncTimeout.UntilAsync(() => delivered.Count >= 1, "the message arrives on the late topic", Deadline);
        Assert.That(delivered, Is.EqualTo(new[] { message }), "the foreign record is skipped");
    }

    [Test]
    public void StartupFailsNamingTheTopicWhenItIsMissingAndCannotBeCreated()
    {
        var bus = _kafka.NewBus("node-a", _kafka.Options(o =>
        {
            o.MessagesTopic = "chat-messages-nobody-created";
            o.StartupTimeoutSeconds = 2;
        }));

        var error = Assert.ThrowsAsync<FatechatConfigurationException>(() => bus.StartAsync(CancellationToken.None).WaitAsync(Deadline));
        Assert.That(error!.Message, Does.Contain("chat-messages-nobody-created"));
    }

    private ConcurrentQueue<ChatBusEvent> Record(IChatBus bus, ChatBusSubscription subscription)
    {
        var received = new ConcurrentQueue<ChatBusEvent>();
        var stop = new CancellationTokenSource();
        var consuming = bus.ConsumeAsync(subscription, (e, _) =>
        {
            // Delivery starts are the bus speaking to its consumer, not events anyone published.
            if (e is not DeliveryStarted)
            {
                received.Enqueue(e);
            }

            return ValueTask.CompletedTask;
        }, stop.Token);
        _consumers.Add((stop, consuming));
        return received;
    }

    private async Task<StartedPipeline> StartPipelineAsync(IChatBus bus, IMessageRepository messages)
    {
        var pipeline = new ChatMessagePipeline(bus, messages,
            new InMemoryRecentMessageCache(Microsoft.Extensions.Options.Options.Create(new ChatOptions())),
            new InMemoryPresenceStore(), new RecordingDelivery(), new Fatechat.Server.Chat.Recovery.DeliveryLog(bus, TimeProvider.System), Microsoft.Extensions.Options.Options.Create(new Fatechat.Server.Options.SocketIOSettings()), NullLogger<ChatMessagePipeline>.Instance);
        await pipeline.StartAsync(CancellationToken.None);
        return new StartedPipeline(pipeline);
    }

    /// <summary>Empty records, which the bus skips, show where the producer's partitioner puts each room.</summary>
    private async Task<int> PartitionsUsedAsync(string[] rooms)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _kafka.Cluster.BootstrapServers }).Build();
        var partitions = new HashSet<int>();
        foreach (var room in rooms)
        {
            var result = await producer.ProduceAsync(KafkaTestBus.MessagesTopic, new Message<string, string> { Key = room, Value = "" });
            partitions.Add(result.Partition.Value);
        }

        return partitions.Count;
    }

    private sealed class StartedPipeline(ChatMessagePipeline pipeline) : IDisposable
    {
        public void Dispose()
        {
            pipeline.StopAsync(CancellationToken.None).Wait(TimeSpan.FromSeconds(20));
            pipeline.Dispose();
        }
    }
}
