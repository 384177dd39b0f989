using System.Collections.Concurrent;
using Confluent.Kafka;
using Fatechat.KafkaMock;

namespace Fatechat.Tests.Adapters;

/// <summary>
/// The Kafka mock cluster that CI and the two-node tests use in place of a broker: it must speak enough of the
/// real protocol for Confluent.Kafka producers and consumer groups, as a separate process and in-process.
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class KafkaMockClusterTests
{
    private static readonly string[] Topics = ["chat-messages", "chat-events"];
    private static readonly TimeSpan ConsumeDeadline = TimeSpan.FromSeconds(30);

    [Test]
    public async Task ToolPrintsBootstrapServersFirstAndEachConsumerGroupReceivesEveryMessage()
    {
        using var mock = await KafkaMockProcess.StartAsync(brokers: 3, Topics, partitions: 3);

        Assert.That(mock.BootstrapServers.Split(','), Has.Length.EqualTo(3).And.All.Match(@"^127\.0\.0\.1:\d+$"));
        await AssertEachGroupReceivesEveryMessageInKeyOrderAsync(mock.BootstrapServers, messageCount: 500);
    }

    [Test]
    public async Task InProcessClusterServesTwoConsumerGroups()
    {
        using var cluster = KafkaMockCluster.Start(brokers: 3, Topics, partitions: 3);

        await AssertEachGroupReceivesEveryMessageInKeyOrderAsync(cluster.BootstrapServers, messageCount: 500);
    }

    [Test]
    public async Task TrimmerKeepsOnlyTheLastRecordsOfEachPartition()
    {
        const int retain = 100;
        using var cluster = KafkaMockCluster.Start(brokers: 1, ["chat-messages"], partitions: 1, retainPerPartition: retain);
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            for (var i = 0; i < 1_000; i++)
                producer.Produce("chat-messages", new Message<Null, string> { Value = $"m{i}" });
            Assert.That(producer.Flush(TimeSpan.FromSeconds(10)), Is.Zero, "messages still queued after flush");
        }

        using var reader = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "trim-check",
        }).Build();
        var partition = new TopicPartition("chat-messages", 0);
        var watermarks = reader.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(5));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (watermarks.Low < watermarks.High - retain && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            watermarks = reader.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(5));
        }

        Assert.That(watermarks.High.Value, Is.EqualTo(1_000));
        Assert.That(watermarks.Low.Value, Is.EqualTo(1_000 - retain));
    }

    private static async Task AssertEachGroupReceivesEveryMessageInKeyOrderAsync(string bootstrapServers, int messageCount)
    {
        var groups = new[] { "fatechat-node-a", "fatechat-node-b" };
        var received = groups.ToDictionary(g => g, _ => new ConcurrentQueue<(string Key, int Sequence)>());
        using var stop = new CancellationTokenSource(ConsumeDeadline);
        var consumers = groups.Select(group => Task.Factory.StartNew(
            () => ConsumeUntil(bootstrapServers, group, received[group], messageCount, stop.Token),
            TaskCreationOptions.LongRunning)).ToArray();

        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
        }).Build())
        {
            var deliveries = Enumerable.Range(0, messageCount).Select(i => producer.ProduceAsync(
                "chat-messages", new Message<string, string> { Key = $"room-{i % 7}", Value = $"{i}" }));
            var results = await Task.WhenAll(deliveries).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.That(results.Select(r => r.Partition.Value).Distinct().Count(), Is.GreaterThan(1),
                "keys should spread over several partitions");
        }

        await Task.WhenAll(consumers).WaitAsync(ConsumeDeadline + TimeSpan.FromSeconds(10));
        foreach (var group in groups)
        {
            var messages = received[group].ToArray();
            Assert.That(messages.Select(m => m.Sequence), Is.EquivalentTo(Enumerable.Range(0, messageCount)),
                $"group {group} should see every message exactly once");
            foreach (var room in messages.GroupBy(m => m.Key))
                Assert.That(room.Select(m => m.Sequence), Is.Ordered, $"group {group} should see {room.Key} in order");
        }
    }

    private static void ConsumeUntil(
        string bootstrapServers, string group, ConcurrentQueue<(string, int)> into, int count, CancellationToken stop)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = group,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 10,
        }).Build();
        consumer.Subscribe("chat-messages");
        try
        {
            while (into.Count < count)
            {
                var result = consumer.Consume(stop);
                into.Enqueue((result.Message.Key, int.Parse(result.Message.Value)));
            }
        }
        catch (OperationCanceledException)
        {
            // Deadline reached: the assertions report what is missing.
        }
        finally
        {
            consumer.Close();
        }
    }
}
