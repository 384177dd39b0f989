using Fatechat.Server.Caching;

namespace Fatechat.Tests.Adapters.Redis;

// The contracts against the shared Redis, each fixture under a key prefix of its own.

public sealed class RedisRecentMessageCacheTests : RecentMessageCacheContract
{
    private RedisTestConnection _redis = null!;

    [OneTimeSetUp]
    public void Connect() => _redis = RedisTestConnection.Create();

    [OneTimeTearDown]
    public async Task DeleteKeys() => await _redis.DisposeAsync();

    protected override Task<IRecentMessageCache> CreateCacheAsync() => Task.FromResult<IRecentMessageCache>(_redis.NewCache(Cap));

    [Test]
    public async Task AnotherNodeReadsWhatThisNodeCached()
    {
        var room = AdapterTestData.RoomName();
        var message = AdapterTestData.Message(room, "ünïcödé 😀", isEvent: true);
        await Cache.AddAsync(message, CancellationToken.None);

        var otherNode = _redis.NewCache(Cap);

        Assert.That(await otherNode.GetLatestAsync(room, 5, CancellationToken.None), Is.EqualTo(new[] { message }));
    }
}

/// <summary>
/// The presence contract through two real nodes sharing Redis: entries of <c>node-a</c> and <c>node-b</c> go to
/// that node's store, and the online list is read on node A, so "the last tab closed" is decided across nodes.
/// </summary>
public sealed class RedisPresenceStoreTests : PresenceStoreContract
{
    private RedisTestConnection _redis = null!;

    [OneTimeSetUp]
    public void Connect() => _redis = RedisTestConnection.Create();

    [OneTimeTearDown]
    public async Task DeleteKeys() => await _redis.DisposeAsync();

    protected override async Task<IPresenceStore> CreateStoreAsync()
    {
        var nodeA = _redis.NewPresence("node-a");
        var nodeB = _redis.NewPresence("node-b");
        await nodeA.HeartbeatAsync();
        await nodeB.HeartbeatAsync();
        return new TwoNodes(nodeA, nodeB);
    }

    private sealed class TwoNodes(RedisPresenceStore a, RedisPresenceStore b) : IPresenceStore
    {
        public ValueTask<bool> AddAsync(PresenceEntry entry, CancellationToken cancellationToken) => Node(entry).AddAsync(entry, cancellationToken);

        public ValueTask<bool> RemoveAsync(PresenceEntry entry, CancellationToken cancellationToken) => Node(entry).RemoveAsync(entry, cancellationToken);

        public ValueTask<IReadOnlyList<string>> GetOnlineUsersAsync(string roomName, CancellationToken cancellationToken) =>
            a.GetOnlineUsersAsync(roomName, cancellationToken);

        private RedisPresenceStore Node(PresenceEntry entry) => entry.NodeId == b.NodeId ? b : a;
    }
}
