using System.Threading.Channels;
using Fatechat.Tests.Support;
using Fatechat.Server.Messaging;

namespace Fatechat.Tests.Adapters;

/// <summary>What every <see cref="IChatBus"/> must do on one node; one subclass per backend.</summary>
public abstract class ChatBusContract
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    protected abstract Task<IChatBus> CreateBusAsync();

    /// <summary>Published events only: the delivery starts a bus reports are kept aside in <paramref name="starts"/>.</summary>
    private static async Task<(ChannelReader<ChatBusEvent> Events, CancellationTokenSource Stop)> SubscribeAsync(
        IChatBus bus, ChatBusSubscription subscription, List<DeliveryStarted>? starts = null)
    {
        var events = Channel.CreateUnbounded<ChatBusEvent>();
        var stop = new CancellationTokenSource();
        _ = bus.ConsumeAsync(subscription, (e, _) =>
        {
            if (e is DeliveryStarted started)
            {
                if (starts is not null)
                {
                    lock (starts)
                    {
                        starts.Add(started);
                    }
                }

                return ValueTask.CompletedTask;
            }

            return events.Writer.WriteAsync(e);
        }, stop.Token);
        await Task.Yield();
        return (events.Reader, stop);
    }

    /// <summary>
    /// Connection state recovery rests on this: delivery tells where each stored event lies in the log — after the
    /// start reported for its partition, one apart within a partition — and persistence never sees positions.
    /// </summary>
    [Test]
    public async Task DeliveryGivesStoredEventsTheirPlaceInTheLog()
    {
        var bus = await CreateBusAsync();
        var starts = new List<DeliveryStarted>();
        var (delivered, stopDelivery) = await SubscribeAsync(bus, ChatBusSubscription.Delivery, starts);
        var (persisted, stopPersistence) = await SubscribeAsync(bus, ChatBusSubscription.Persistence);
        var room = AdapterTestData.RoomName();
        var published = Enumerable.Range(0, 5).Select(i => new RoomMessagePosted(AdapterTestData.Message(room, $"p{i}"))).ToList();
        foreach (var e in published)
        {
            await bus.PublishAsync(e, CancellationToken.None);
        }

        using var timeout = new CancellationTokenSource(Timeout);
        var positions = new List<BusPosition>();
        for (int i = 0; i < published.Count; i++)
        {
            var e = await delivered.ReadAsync(timeout.Token);
            Assert.That(e.Position, Is.Not.Null, $"{e} has a position");
            positions.Add(e.Position!.Value);
            Assert.That((await persisted.ReadAsync(timeout.Token)).Position, Is.Null, "persistence gets no positions");
        }

        Assert.That(positions.Select(p => p.Partition).Distinct().Count(), Is.EqualTo(1), "one room, one partition");
        var partition = positions[0].Partition;
        DeliveryStarted start;
        lock (starts)
        {
            start = starts.Last(s => s.Partition == partition);
        }

        Assert.That(positions[0].Offset, Is.GreaterThanOrEqualTo(start.Offset));
        Assert.That(positions.Select(p => p.Offset), Is.EqualTo(Enumerable.Range(0, positions.Count).Select(i => positions[0].Offset + i)), "consecutive");
        stopDelivery.Cancel();
        stopPersistence.Cancel();
    }

    [Test]
    public async Task MessagesReachBothSubscriptionsInPublishOrder()
    {
        var bus = await CreateBusAsync();
        var (persisted, stopPersistence) = await SubscribeAsync(bus, ChatBusSubscription.Persistence);
        var (delivered, stopDelivery) = await SubscribeAsync(bus, ChatBusSubscription.Delivery);
        var room = AdapterTestData.RoomName();
        var published = Enumerable.Range(0, 20).Select(i => new RoomMessagePosted(AdapterTestData.Message(room, $"m{i}"))).ToList();
        var direct = new PrivateMessagePosted(AdapterTestData.Private(AdapterTestData.Email(), AdapterTestData.Email()));

        foreach (var e in published)
        {
            await bus.PublishAsync(e, CancellationToken.None);
        }

        await bus.PublishAsync(direct, CancellationToken.None);

        using var timeout = new CancellationTokenSource(Timeout);
        foreach (var reader in new[] { persisted, delivered })
        {
            var received = new List<ChatBusEvent>();
            while (received.Count < 21)
            {
                received.Add(await reader.ReadAsync(timeout.Token));
            }

            Assert.That(received, Is.EqualTo(published.Cast<ChatBusEvent>().Append(direct)));
        }

        await stopPersistence.CancelAsync();
        await stopDelivery.CancelAsync();
    }

    /// <summary>A burst reaches the store in batches: every message once, in publish order, none bigger than the bound.</summary>
    [Test]
    public async Task PersistenceBatchesHoldABurstOnceInPublishOrder()
    {
        var bus = await CreateBusAsync();
        var batches = new System.Collections.Concurrent.ConcurrentQueue<IReadOnlyList<ChatBusEvent>>();
        using var stop = new CancellationTokenSource();
        var consuming = bus.ConsumeBatchesAsync((batch, _) =>
        {
            batches.Enqueue(batch.ToList());
            return ValueTask.CompletedTask;
        }, stop.Token);
        var room = AdapterTestData.RoomName();
        var published = Enumerable.Range(0, 600).Select(i => new RoomMessagePosted(AdapterTestData.Message(room, $"b{i}"))).ToList();
        await Task.WhenAll(published.Select(e => bus.PublishAsync(e, CancellationToken.None).AsTask()));

        await AsyncTimeout.UntilAsync(() => batches.Sum(b => b.Count) >= published.Count, "the burst is consumed", Timeout);
        await stop.CancelAsync();
        try
        {
            await consuming;
        }
        catch (OperationCanceledException)
        {
        }

        Assert.That(batches.SelectMany(b => b), Is.EqualTo(published), "each message once, in order");
        Assert.That(batches.Max(b => b.Count), Is.LessThanOrEqualTo(PersistenceBatch.MaxEvents));
        Assert.That(batches.Count, Is.LessThan(published.Count / 2), $"a burst comes in batches, not one by one ({batches.Count} batches)");
    }

    [Test]
    public async Task TypingReachesOnlyDelivery()
    {
        var bus = await CreateBusAsync();
        var (persisted, stopPersistence) = await SubscribeAsync(bus, ChatBusSubscription.Persistence);
        var (delivered, stopDelivery) = await SubscribeAsync(bus, ChatBusSubscription.Delivery);
        var room = AdapterTestData.RoomName();
        var typing = new RoomTypingChanged(room, AdapterTestData.Email(), IsTyping: true);
        var marker = new RoomMessagePosted(AdapterTestData.Message(room));

        await bus.PublishAsync(typing, CancellationToken.None);
        await bus.PublishAsync(marker, CancellationToken.None);

        using var timeout = new CancellationTokenSource(Timeout);
        var first = await delivered.ReadAsync(timeout.Token);
        var second = await delivered.ReadAsync(timeout.Token);
        // On Kafka the two travel on different topics, so only their arrival is certain, not their order.
        Assert.That(new[] { first, second }, Is.EquivalentTo(new ChatBusEvent[] { typing, marker }));
        Assert.That(await persisted.ReadAsync(timeout.Token), Is.EqualTo(marker), "typing is never stored");

        await stopPersistence.CancelAsync();
        await stopDelivery.CancelAsync();
    }

    [Test]
    public async Task JoinCarriesItsPresenceChangeToBothSubscriptions()
    {
        var bus = await CreateBusAsync();
        var (persisted, stopPersistence) = await SubscribeAsync(bus, ChatBusSubscription.Persistence);
        var (delivered, stopDelivery) = await SubscribeAsync(bus, ChatBusSubscription.Delivery);
        var room = AdapterTestData.RoomName();
        var join = new RoomMessagePosted(AdapterTestData.Message(room, "x joined the room"), PresenceChanged: true);
        var message = new RoomMessagePosted(AdapterTestData.Message(room));

        await bus.PublishAsync(join, CancellationToken.None);
        await bus.PublishAsync(message, CancellationToken.None);

        using var timeout = new CancellationTokenSource(Timeout);
        Assert.That(await delivered.ReadAsync(timeout.Token), Is.EqualTo(join), "the flag survives the bus");
        Assert.That(await delivered.ReadAsync(timeout.Token), Is.EqualTo(message));
        Assert.That(await persisted.ReadAsync(timeout.Token), Is.EqualTo(join), "a join's event message is stored");
        Assert.That(await persisted.ReadAsync(timeout.Token), Is.EqualTo(message));

        await stopPersistence.CancelAsync();
        await stopDelivery.CancelAsync();
    }

    [Test]
    public async Task ConsumeEndsWhenCancelled()
    {
        var bus = await CreateBusAsync();
        using var stop = new CancellationTokenSource();
        var consuming = bus.ConsumeAsync(ChatBusSubscription.Delivery, (_, _) => ValueTask.CompletedTask, stop.Token);

        await stop.CancelAsync();

        try
        {
            await consuming.WaitAsync(Timeout);
        }
        catch (OperationCanceledException)
        {
        }

        Assert.That(consuming.IsCompleted);
    }
}
