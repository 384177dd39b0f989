using Confluent.Kafka;
using Fatechat.Server.Caching;
using Fatechat.Server.Messaging;
using Fatechat.Server.Options;
using Fatechat.Server.Storage;
using Fatechat.Tests.Adapters.Sqlite;
using Fatechat.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fatechat.Tests.Adapters.Kafka;

/// <summary>
/// A database outage longer than the pipeline's quick retries, on the mock cluster (one partition, so the records'
/// offsets are known): the persistence group keeps its committed offset before the unstored message, reads it again
/// until the write succeeds, and commits only then. Delivery goes on meanwhile.
/// </summary>
[TestFixture]
[CancelAfter(90_000)]
public sealed class KafkaStoreOutageTests
{
    // The pipeline tries a store four times before it throws to the bus: eight failures take the bus two rounds.
    private const int WritesPerRound = 4;
    private const int FailedWrites = 2 * WritesPerRound;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TopicPartition Partition = new(KafkaTestBus.MessagesTopic, 0);

    private KafkaTestBus _kafka = null!;
    private SqliteTestDatabase _db = null!;
    private ChatMessagePipeline? _pipeline;

    [SetUp]
    public void StartCluster()
    {
        _kafka = KafkaTestBus.Start(brokers: 1, partitions: 1);
        _db = new SqliteTestDatabase();
    }

    [TearDown]
    public async Task StopCluster()
    {
        // The persistence consumer leaves its group while the cluster still answers.
        if (_pipeline is not null)
        {
            await _pipeline.StopAsync(CancellationToken.None);
            _pipeline.Dispose();
        }

        _kafka.Dispose();
        _db.Dispose();
    }

    [Test]
    public async Task MessageIsStoredOnceAfterTheOutageAndItsOffsetCommittedOnlyThen()
    {
        var repository = new SqliteMessageRepository(await _db.MigratedAsync());
        var outage = new RecordingMessageRepository(repository, failFirst: FailedWrites);
        var delivery = new RecordingDelivery();
        var cache = new InMemoryRecentMessageCache(Microsoft.Extensions.Options.Options.Create(new ChatOptions()));
        var bus = await _kafka.StartedBusAsync("node-a");
        _pipeline = new ChatMessagePipeline(bus, outage, cache, new InMemoryPresenceStore(), delivery, new Fatechat.Server.Chat.Recovery.DeliveryLog(bus, TimeProvider.System), Microsoft.Extensions.Options.Options.Create(new Fatechat.Server.Options.SocketIOSettings()), NullLogger<ChatMessagePipeline>.Instance);
        await _pipeline.StartAsync(CancellationToken.None);
        using var reader = PersistenceGroupReader();
        Offset CommittedOffset() => reader.Committed([Partition], TimeSpan.FromSeconds(5)).Single().Offset;
        var room = AdapterTestData.RoomName();
        var message = AdapterTestData.Message(room, "sent during the outage");

        await bus.PublishAsync(new RoomMessagePosted(message), CancellationToken.None);

        await AsyncTimeout.UntilAsync(() => delivery.RoomMessages.Contains(message), "the message is delivered while it cannot be stored", Deadline);
        await AsyncTimeout.UntilAsync(() => outage.Writes.Count > WritesPerRound, "the bus reads the unstored record again", Deadline);
        Assert.That(outage.Stored, Is.Empty);
        Assert.That(CommittedOffset(), Is.EqualTo(Offset.Unset), "nothing is committed while the message is not stored");

        await AsyncTimeout.UntilAsync(() => !outage.Stored.IsEmpty, "the message is stored once the database is back", Deadline);
        await AsyncTimeout.UntilAsync(() => CommittedOffset() == 1, "the offset is committed after the write", Deadline);

        // The next record is read after the committed one; the recovered message is not read again.
        var after = AdapterTestData.Message(room, "sent after the outage");
        await bus.PublishAsync(new RoomMessagePosted(after), CancellationToken.None);
        await AsyncTimeout.UntilAsync(() => CommittedOffset() == 2, "the next message is stored and committed", Deadline);

        Assert.That(outage.Writes, Is.EqualTo(Enumerable.Repeat(message.Id, FailedWrites + 1).Append(after.Id)));
        Assert.That(outage.Stored, Is.EqualTo(new[] { message.Id, after.Id }));
        var stored = await repository.GetRoomMessagesAsync(room, null, 10, CancellationToken.None);
        Assert.That(stored.Select(m => m.Id), Is.EqualTo(new[] { after.Id, message.Id }), "each message stored exactly once");
        Assert.That(await cache.GetLatestAsync(room, 10, CancellationToken.None), Is.EqualTo(new[] { after, message }), "cached after the write");
    }

    /// <summary>Reads the persistence group's committed offsets as any Kafka tool would, without joining the group.</summary>
    private IConsumer<Ignore, Ignore> PersistenceGroupReader() => new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
    {
        BootstrapServers = _kafka.Cluster.BootstrapServers,
        GroupId = new KafkaOptions().PersistenceGroupId,
    }).Build();
}
