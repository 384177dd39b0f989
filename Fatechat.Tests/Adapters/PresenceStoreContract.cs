using Fatechat.Server.Caching;

namespace Fatechat.Tests.Adapters;

/// <summary>What every <see cref="IPresenceStore"/> must do; one subclass per backend.</summary>
public abstract class PresenceStoreContract
{
    protected IPresenceStore Presence { get; private set; } = null!;

    protected abstract Task<IPresenceStore> CreateStoreAsync();

    [SetUp]
    public async Task CreateStore() => Presence = await CreateStoreAsync();

    private static PresenceEntry Entry(string room, string user, string socket, string node = "node-a") => new(room, user, node, socket);

    [Test]
    public async Task JoinedUsersAreListedOnceSorted()
    {
        var room = AdapterTestData.RoomName();
        var bob = AdapterTestData.Email("bob");
        var alice = AdapterTestData.Email("alice");

        Assert.That(await Presence.AddAsync(Entry(room, bob, "s1"), CancellationToken.None), Is.True);
        Assert.That(await Presence.AddAsync(Entry(room, alice, "s2"), CancellationToken.None), Is.True);
        Assert.That(await Presence.AddAsync(Entry(room, alice, "s3"), CancellationToken.None), Is.False, "second tab");

        Assert.That(await Presence.GetOnlineUsersAsync(room, CancellationToken.None), Is.EqualTo(new[] { alice, bob }));
    }

    [Test]
    public async Task UserWithTwoTabsStaysOnlineUntilTheLastCloses()
    {
        var room = AdapterTestData.RoomName();
        var alice = AdapterTestData.Email("alice");
        await Presence.AddAsync(Entry(room, alice, "tab1"), CancellationToken.None);
        await Presence.AddAsync(Entry(room, alice, "tab2", node: "node-b"), CancellationToken.None);

        Assert.That(await Presence.RemoveAsync(Entry(room, alice, "tab1"), CancellationToken.None), Is.False);
        Assert.That(await Presence.GetOnlineUsersAsync(room, CancellationToken.None), Is.EqualTo(new[] { alice }));

        Assert.That(await Presence.RemoveAsync(Entry(room, alice, "tab2", node: "node-b"), CancellationToken.None), Is.True);
        Assert.That(await Presence.GetOnlineUsersAsync(room, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task SameSocketIdOnAnotherNodeIsAnotherSocket()
    {
        var room = AdapterTestData.RoomName();
        var alice = AdapterTestData.Email("alice");
        await Presence.AddAsync(Entry(room, alice, "same", node: "node-a"), CancellationToken.None);

        Assert.That(await Presence.AddAsync(Entry(room, alice, "same", node: "node-b"), CancellationToken.None), Is.False);
        Assert.That(await Presence.RemoveAsync(Entry(room, alice, "same", node: "node-a"), CancellationToken.None), Is.False);
    }

    [Test]
    public async Task RoomsAreSeparateAndUnknownRemovalsAreHarmless()
    {
        var roomA = AdapterTestData.RoomName();
        var roomB = AdapterTestData.RoomName();
        var alice = AdapterTestData.Email("alice");
        await Presence.AddAsync(Entry(roomA, alice, "s1"), CancellationToken.None);

        Assert.That(await Presence.GetOnlineUsersAsync(roomB, CancellationToken.None), Is.Empty);
        Assert.That(await Presence.RemoveAsync(Entry(roomB, alice, "s1"), CancellationToken.None), Is.False);
        Assert.That(await Presence.RemoveAsync(Entry(roomA, alice, "never-joined"), CancellationToken.None), Is.False);
        Assert.That(await Presence.GetOnlineUsersAsync(roomA, CancellationToken.None), Is.EqualTo(new[] { alice }));
    }
}
