using Fatechat.Server.Caching;

namespace Fatechat.Tests.Adapters.Redis;

/// <summary>Nodes that die, restart or stop: their sockets must leave the shared online list.</summary>
[TestFixture]
public sealed class RedisPresenceLifecycleTests
{
    private const int ShortTtlSeconds = 2;
    private RedisTestConnection _redis = null!;

    [SetUp]
    public void Connect() => _redis = RedisTestConnection.Create();

    [TearDown]
    public async Task DeleteKeys() => await _redis.DisposeAsync();

    private static PresenceEntry Entry(RedisPresenceStore node, string room, string user, string socket) => new(room, user, node.NodeId, socket);

    [Test]
    public async Task DeadNodesUsersLeaveTheListWhenItsHeartbeatExpires()
    {
        var room = AdapterTestData.RoomName();
        var alice = AdapterTestData.Email("alice");
        var bob = AdapterTestData.Email("bob");
        var nodeA = _redis.NewPresence("node-a", ShortTtlSeconds);
        var nodeB = _redis.NewPresence("node-b", ShortTtlSeconds);
        await nodeA.HeartbeatAsync();
        await nodeB.HeartbeatAsync();
        await nodeA.AddAsync(Entry(nodeA, room, alice, "a1"), CancellationToken.None);
        await nodeB.AddAsync(Entry(nodeB, room, bob, "b1"), CancellationToken.None);
        Assert.That(await nodeA.GetOnlineUsersAsync(room, CancellationToken.None), Is.EqualTo(new[] { alice, bob }.Order(StringComparer.Ordinal)));

        // Node B is killed: no more heartbeats, nothing withdrawn. Node A keeps beating.
        var started = DateTime.UtcNow;
        IReadOnlyList<string> online;
        do
        {
            await Task.Delay(200);
            await nodeA.HeartbeatAsync();
            online = await nodeA.GetOnlineUsersAsync(room, CancellationToken.None);
        }
        while (online.Contains(bob) && DateTime.UtcNow - started < TimeSpan.FromSeconds(ShortTtlSeconds + 8));

        Assert.That(online, Is.EqualTo(new[] { alice }), $"bob still listed {DateTime.UtcNow - started:g} after node B died");
        Assert.That(DateTime.UtcNow - started, Is.GreaterThan(TimeSpan.FromSeconds(ShortTtlSeconds - 1)), "bob left before node B's heartbeat could expire");
        Assert.That(await _redis.Database.HashLengthAsync(_redis.Keys.PresenceRoom(room)), Is.EqualTo(1), "node B's entry was deleted, not only hidden");
        Assert.That(await nodeA.AddAsync(Entry(nodeA, room, bob, "a2"), CancellationToken.None), Is.True, "bob on node A is new again");
    }

    [Test]
    public async Task NodeRestartedUnderTheSameIdDropsItsPreviousSocketsAtOnce()
    {
        var room = AdapterTestData.RoomName();
        var bob = AdapterTestData.Email("bob");
        var observer = _redis.NewPresence("node-a");
        await observer.HeartbeatAsync();
        var before = _redis.NewPresence("node-b");
        await before.HeartbeatAsync();
        await before.AddAsync(Entry(before, room, bob, "b1"), CancellationToken.None);

        // SIGKILL, then the same host:port comes back within the TTL, its heartbeat key still alive.
        var after = _redis.NewPresence("node-b");
        await after.HeartbeatAsync();

        Assert.That(await observer.GetOnlineUsersAsync(room, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task GracefulLeaveRemovesTheNodesUsersAtOnce()
    {
        var room = AdapterTestData.RoomName();
        var bob = AdapterTestData.Email("bob");
        var observer = _redis.NewPresence("node-a");
        await observer.HeartbeatAsync();
        var leaving = _redis.NewPresence("node-b");
        await leaving.HeartbeatAsync();
        await leaving.AddAsync(Entry(leaving, room, bob, "b1"), CancellationToken.None);

        await leaving.LeaveAsync();

        Assert.That(await observer.GetOnlineUsersAsync(room, CancellationToken.None), Is.Empty);
        Assert.That(await _redis.Database.KeyExistsAsync(_redis.Keys.NodeHeartbeat("node-b")), Is.False);
    }

    [Test]
    public async Task ANodeWhoseEntriesWereReapedRepublishesThemOnItsNextHeartbeat()
    {
        var room = AdapterTestData.RoomName();
        var alice = AdapterTestData.Email("alice");
        var node = _redis.NewPresence("node-a");
        await node.HeartbeatAsync();
        await node.AddAsync(Entry(node, room, alice, "a1"), CancellationToken.None);

        // Cut off from Redis longer than the TTL: another node saw the key gone and deleted the entries.
        await _redis.Database.KeyDeleteAsync([_redis.Keys.NodeHeartbeat("node-a"), _redis.Keys.PresenceRoom(room)]);
        await node.HeartbeatAsync();

        Assert.That(await _redis.NewPresence("node-b").GetOnlineUsersAsync(room, CancellationToken.None), Is.EqualTo(new[] { alice }));
    }

    [Test]
    public void EntriesOfAnotherNodeAreRefused()
    {
        var node = _redis.NewPresence("node-a");
        Assert.ThrowsAsync<ArgumentException>(async () =>
            await node.AddAsync(new PresenceEntry(AdapterTestData.RoomName(), "x@example.test", "node-b", "s"), CancellationToken.None));
    }
}
