using Fatechat.Server.Caching;
using Fatechat.Server.Messaging;
using Fatechat.Server.Options;
using Fatechat.Server.Storage;
using Fatechat.Tests.Adapters.Sqlite;
using Fatechat.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fatechat.Tests.Adapters.Kafka;

/// <summary>
/// Joins and leaves on the Kafka bus (mock cluster), two nodes each running the message pipeline: every node's
/// sockets get a join's online list right before its event message, and everything in the order it was published.
/// </summary>
[TestFixture]
[CancelAfter(90_000)]
public sealed class KafkaJoinOrderTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Test]
    public async Task EveryNodeDeliversEachJoinsOnlineListThenItsEventMessageInPublishOrder()
    {
        using var kafka = KafkaTestBus.Start();
        using var db = new SqliteTestDatabase();
        var repository = new SqliteMessageRepository(await db.MigratedAsync());
        var presence = new InMemoryPresenceStore();
        var room = AdapterTestData.RoomName();
        var nodes = new List<(KafkaChatBus Bus, RecordingDelivery Delivery, ChatMessagePipeline Pipeline)>();
        foreach (var id in new[] { "node-a", "node-b" })
        {
            var bus = await kafka.StartedBusAsync(id);
            var delivery = new RecordingDelivery();
            var cache = new InMemoryRecentMessageCache(Microsoft.Extensions.Options.Options.Create(new ChatOptions()));
            var pipeline = new ChatMessagePipeline(bus, repository, cache, presence, delivery, new Fatechat.Server.Chat.Recovery.DeliveryLog(bus, TimeProvider.System), Microsoft.Extensions.Options.Options.Create(new Fatechat.Server.Options.SocketIOSettings()), NullLogger<ChatMessagePipeline>.Instance);
            await pipeline.StartAsync(CancellationToken.None);
            nodes.Add((bus, delivery, pipeline));
        }

        try
        {
            var expected = new List<string>();
            for (var i = 0; i < 10; i++)
            {
                var joined = AdapterTestData.Message(room, $"user{i}@example.test joined the room", isEvent: true);
                var said = AdapterTestData.Message(room, $"hello {i}");
                // Publishers alternate between the nodes; each publish waits for its ack, as the socket handlers do.
                await nodes[i % 2].Bus.PublishAsync(new RoomMessagePosted(joined, PresenceChanged: true), CancellationToken.None);
                await nodes[(i + 1) % 2].Bus.PublishAsync(new RoomMessagePosted(said), CancellationToken.None);
                expected.AddRange([$"onlineUsers {room}", $"receiveMessage {joined.Id}", $"receiveMessage {said.Id}"]);
            }

            foreach (var (_, delivery, _) in nodes)
            {
                await AsyncTimeout.UntilAsync(() => delivery.Log.Count >= expected.Count, "every event delivered on every node", Deadline);
                Assert.That(delivery.Log, Is.EqualTo(expected));
            }
        }
        finally
        {
            foreach (var (_, _, pipeline) in nodes)
            {
                await pipeline.StopAsync(CancellationToken.None);
                pipeline.Dispose();
            }
        }
    }
}
