using Fatechat.Server.Chat;
using Fatechat.Server.Storage;

namespace Fatechat.Tests.Adapters;

/// <summary>What every <see cref="IMessageRepository"/> must do; one subclass per backend.</summary>
public abstract class MessageRepositoryContract
{
    protected IMessageRepository Messages { get; private set; } = null!;

    protected abstract Task<IMessageRepository> CreateRepositoryAsync();

    [SetUp]
    public async Task CreateRepository() => Messages = await CreateRepositoryAsync();

    private async Task<List<ChatMessage>> AddRoomMessagesAsync(string room, int count)
    {
        var added = new List<ChatMessage>();
        for (var i = 0; i < count; i++)
        {
            var message = AdapterTestData.Message(room, $"message {i}", isEvent: i % 3 == 0);
            Assert.That(await Messages.AddRoomMessageAsync(message, CancellationToken.None), Is.EqualTo(StoreOutcome.Stored));
            added.Add(message);
        }

        return added;
    }

    [Test]
    public async Task RoomMessageReadsBackUnchanged()
    {
        var room = AdapterTestData.RoomName();
        var message = AdapterTestData.Message(room, "ünïcödé 😀 <b>not html</b> " + new string('x', 3900), isEvent: true);
        await Messages.AddRoomMessageAsync(message, CancellationToken.None);

        var read = await Messages.GetRoomMessagesAsync(room, null, 10, CancellationToken.None);

        Assert.That(read, Is.EqualTo(new[] { message }));
        Assert.That(read[0].CreatedAt.Kind, Is.EqualTo(DateTimeKind.Utc));
    }

    [Test]
    public async Task AddingTheSameIdTwiceStoresItOnce()
    {
        var room = AdapterTestData.RoomName();
        var message = AdapterTestData.Message(room);

        Assert.That(await Messages.AddRoomMessageAsync(message, CancellationToken.None), Is.EqualTo(StoreOutcome.Stored));
        Assert.That(await Messages.AddRoomMessageAsync(message, CancellationToken.None), Is.EqualTo(StoreOutcome.AlreadyStored));
        Assert.That(await Messages.AddRoomMessageAsync(message with { Text = "changed" }, CancellationToken.None), Is.EqualTo(StoreOutcome.AlreadyStored));

        Assert.That(await Messages.GetRoomMessagesAsync(room, null, 10, CancellationToken.None), Is.EqualTo(new[] { message }));
    }

    [Test]
    public async Task RoomMessagesComeNewestFirstUpToTheLimit()
    {
        var room = AdapterTestData.RoomName();
        var added = await AddRoomMessagesAsync(room, 12);

        var read = await Messages.GetRoomMessagesAsync(room, null, 5, CancellationToken.None);

        Assert.That(read.Select(m => m.Id), Is.EqualTo(added.AsEnumerable().Reverse().Take(5).Select(m => m.Id)));
    }

    [Test]
    public async Task BeforeReturnsOnlyOlderMessages()
    {
        var room = AdapterTestData.RoomName();
        var added = await AddRoomMessagesAsync(room, 10);

        var read = await Messages.GetRoomMessagesAsync(room, added[6].Id, 100, CancellationToken.None);

        Assert.That(read.Select(m => m.Id), Is.EqualTo(added.Take(6).Reverse().Select(m => m.Id)));
    }

    [Test]
    public async Task RoomsDoNotSeeEachOthersMessages()
    {
        var roomA = AdapterTestData.RoomName();
        var roomB = AdapterTestData.RoomName();
        var a = await AddRoomMessagesAsync(roomA, 2);
        await AddRoomMessagesAsync(roomB, 3);

        Assert.That((await Messages.GetRoomMessagesAsync(roomA, null, 100, CancellationToken.None)).Select(m => m.Id), Is.EquivalentTo(a.Select(m => m.Id)));
        Assert.That(await Messages.GetRoomMessagesAsync(AdapterTestData.RoomName(), null, 100, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task ConversationListHasEachPartnerOnceWithTheLatestMessageMostRecentFirst()
    {
        var (me, bob, carol, dave) = (AdapterTestData.Email(), AdapterTestData.Email(), AdapterTestData.Email(), AdapterTestData.Email());
        var toBob = AdapterTestData.Private(me, bob, "first to bob");
        var fromCarol = AdapterTestData.Private(carol, me, "carol writes");
        var fromBob = AdapterTestData.Private(bob, me, "bob answers");
        var notMine = AdapterTestData.Private(carol, dave, "not mine");
        foreach (var message in new[] { toBob, fromCarol, fromBob, notMine })
        {
            Assert.That(await Messages.AddPrivateMessageAsync(message, CancellationToken.None), Is.EqualTo(StoreOutcome.Stored));
        }

        Assert.That(await Messages.AddPrivateMessageAsync(toBob, CancellationToken.None), Is.EqualTo(StoreOutcome.AlreadyStored), "a redelivery changes nothing");

        Assert.That(await Messages.ListConversationsAsync(me, 10, CancellationToken.None), Is.EqualTo(new[] { fromBob, fromCarol }));
        Assert.That(await Messages.ListConversationsAsync(me, 1, CancellationToken.None), Is.EqualTo(new[] { fromBob }));
        Assert.That(await Messages.ListConversationsAsync(dave, 10, CancellationToken.None), Is.EqualTo(new[] { notMine }));
        Assert.That(await Messages.ListConversationsAsync(AdapterTestData.Email(), 10, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task ConversationHasBothDirectionsNewestFirstAndOnlyThesePeople()
    {
        var alice = AdapterTestData.Email("alice");
        var bob = AdapterTestData.Email("bob");
        var carol = AdapterTestData.Email("carol");
        var m1 = AdapterTestData.Private(alice, bob, "one");
        var m2 = AdapterTestData.Private(bob, alice, "two");
        var other = AdapterTestData.Private(alice, carol, "not bob's");
        var m3 = AdapterTestData.Private(alice, bob, "three");
        foreach (var m in new[] { m1, m2, other, m3 })
        {
            Assert.That(await Messages.AddPrivateMessageAsync(m, CancellationToken.None), Is.EqualTo(StoreOutcome.Stored));
        }

        var fromAlice = await Messages.GetConversationAsync(alice, bob, null, 100, CancellationToken.None);
        var fromBob = await Messages.GetConversationAsync(bob, alice, null, 100, CancellationToken.None);

        Assert.That(fromAlice, Is.EqualTo(new[] { m3, m2, m1 }));
        Assert.That(fromBob, Is.EqualTo(fromAlice));
    }

    [Test]
    public async Task ConversationPagesWithBeforeAndLimitAndStoresEachIdOnce()
    {
        var alice = AdapterTestData.Email("alice");
        var bob = AdapterTestData.Email("bob");
        var added = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var m = AdapterTestData.Private(alice, bob, $"m{i}");
            await Messages.AddPrivateMessageAsync(m, CancellationToken.None);
            Assert.That(await Messages.AddPrivateMessageAsync(m, CancellationToken.None), Is.EqualTo(StoreOutcome.AlreadyStored));
            added.Add(m.Id);
        }

        var page = await Messages.GetConversationAsync(alice, bob, added[3], 2, CancellationToken.None);

        Assert.That(page.Select(m => m.Id), Is.EqualTo(new[] { added[2], added[1] }));
        Assert.That(await Messages.GetConversationAsync(alice, bob, null, 100, CancellationToken.None), Has.Count.EqualTo(5));
    }

    [Test]
    public async Task ASecondMessageWithTheSendersClientMessageIdIsNotStored()
    {
        var room = AdapterTestData.RoomName();
        var alice = AdapterTestData.Email("alice");
        var first = AdapterTestData.Message(room, "retried", sender: alice) with { ClientMessageId = "c-1" };
        var retry = AdapterTestData.Message(room, "retried", sender: alice) with { ClientMessageId = "c-1" };

        Assert.That(await Messages.AddRoomMessageAsync(first, CancellationToken.None), Is.EqualTo(StoreOutcome.Stored));
        Assert.That(await Messages.AddRoomMessageAsync(first, CancellationToken.None), Is.EqualTo(StoreOutcome.AlreadyStored), "a redelivery");
        Assert.That(await Messages.AddRoomMessageAsync(retry, CancellationToken.None), Is.EqualTo(StoreOutcome.ClientMessageIdTaken));

        var stored = await Messages.GetRoomMessagesAsync(room, null, 10, CancellationToken.None);
        Assert.That(stored.Select(m => m.Id), Is.EqualTo(new[] { first.Id }), "the refused retry left no row behind");
        Assert.That(stored[0].ClientMessageId, Is.Null, "kept for the check, not read back");
    }

    [Test]
    public async Task ClientMessageIdsAreUniquePerSenderAcrossRoomAndPrivateMessages()
    {
        var room = AdapterTestData.RoomName();
        var (alice, bob) = (AdapterTestData.Email("alice"), AdapterTestData.Email("bob"));
        var aliceInRoom = AdapterTestData.Message(room, "a", sender: alice) with { ClientMessageId = "same" };
        var bobInRoom = AdapterTestData.Message(room, "b", sender: bob) with { ClientMessageId = "same" };
        var alicePrivate = AdapterTestData.Private(alice, bob, "a, privately") with { ClientMessageId = "same" };
        var bobPrivate = AdapterTestData.Private(bob, alice, "b, privately") with { ClientMessageId = "other" };
        var withoutIds = new[] { AdapterTestData.Message(room, "no id", sender: alice), AdapterTestData.Message(room, "no id", sender: alice) };

        Assert.That(await Messages.AddRoomMessageAsync(aliceInRoom, CancellationToken.None), Is.EqualTo(StoreOutcome.Stored));
        Assert.That(await Messages.AddRoomMessageAsync(bobInRoom, CancellationToken.None), Is.EqualTo(StoreOutcome.Stored), "another sender");
        Assert.That(await Messages.AddPrivateMessageAsync(alicePrivate, CancellationToken.None), Is.EqualTo(StoreOutcome.ClientMessageIdTaken));
        Assert.That(await Messages.AddPrivateMessageAsync(bobPrivate, CancellationToken.None), Is.EqualTo(StoreOutcome.Stored));
        Assert.That(await Messages.AddPrivateMessageAsync(bobPrivate, CancellationToken.None), Is.EqualTo(StoreOutcome.AlreadyStored));
        foreach (var message in withoutIds)
        {
            Assert.That(await Messages.AddRoomMessageAsync(message, CancellationToken.None), Is.EqualTo(StoreOutcome.Stored), "no client id, no check");
        }

        Assert.That(await Messages.GetConversationAsync(alice, bob, null, 10, CancellationToken.None), Has.Count.EqualTo(1));
        Assert.That(await Messages.ListConversationsAsync(alice, 10, CancellationToken.None), Has.Count.EqualTo(1).And.All.Property("Id").EqualTo(bobPrivate.Id),
            "the refused private message did not touch the conversation list");
    }

    [Test]
    public async Task ABatchStoresInOrderAndReportsEachMessagesOutcome()
    {
        var room = AdapterTestData.RoomName();
        var alice = AdapterTestData.Email("alice");
        var earlier = AdapterTestData.Message(room, "stored before the batch");
        Assert.That(await Messages.AddRoomMessageAsync(earlier, CancellationToken.None), Is.EqualTo(StoreOutcome.Stored));
        var plain = Enumerable.Range(0, 40).Select(i => AdapterTestData.Message(room, $"batch {i}", isEvent: i == 7)).ToList();
        var withId = AdapterTestData.Message(room, "with a client id", sender: alice) with { ClientMessageId = "c-batch" };
        var retry = AdapterTestData.Message(room, "with a client id", sender: alice) with { ClientMessageId = "c-batch" };
        var batch = plain.Take(20).Append(earlier).Append(withId).Append(retry).Concat(plain.Skip(20)).Append(plain[3]).ToList();

        var outcomes = await Messages.AddRoomMessagesAsync(batch, CancellationToken.None);

        var expected = batch.Select((m, i) => m == earlier || (m == plain[3] && i == batch.Count - 1) ? StoreOutcome.AlreadyStored
            : m == retry ? StoreOutcome.ClientMessageIdTaken
            : StoreOutcome.Stored);
        Assert.That(outcomes, Is.EqualTo(expected));
        var stored = await Messages.GetRoomMessagesAsync(room, null, 100, CancellationToken.None);
        Assert.That(stored.Select(m => m.Id), Is.EquivalentTo(plain.Append(earlier).Append(withId).Select(m => m.Id)), "the refused retry left no row behind");
        Assert.That(stored.Single(m => m.Id == plain[7].Id), Is.EqualTo(plain[7]), "read back unchanged");
        Assert.That(await Messages.AddRoomMessagesAsync(batch, CancellationToken.None),
            Is.EqualTo(batch.Select(m => m == retry ? StoreOutcome.ClientMessageIdTaken : StoreOutcome.AlreadyStored)), "the whole batch again: nothing twice");
        Assert.That(await Messages.AddRoomMessagesAsync([], CancellationToken.None), Is.Empty);
    }
}
