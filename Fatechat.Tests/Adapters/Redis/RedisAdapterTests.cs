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

/// <summary>The client message id contract through two nodes sharing Redis: claims are taken on node A and checked on node B.</summary>
public sealed class RedisClientMessageIdStoreTests : ClientMessageIdStoreContract
{
    private RedisTestConnection _redis = null!;
    private RedisTestConnection _nodeB = null!;

    [OneTimeSetUp]
    public void Connect()
    {
        _redis = RedisTestConnection.Create();
        _nodeB = RedisTestConnection.Create(prefix: _redis.Keys.Prefix);
    }

    [OneTimeTearDown]
    public async Task DeleteKeys()
    {
        await _nodeB.DisposeAsync();
        await _redis.DisposeAsync();
    }

    protected override Task<IClientMessageIdStore> CreateStoreAsync() => Task.FromResult<IClientMessageIdStore>(
        new TwoNodes(new RedisClientMessageIdStore(_redis.Redis, _redis.Keys), new RedisClientMessageIdStore(_nodeB.Redis, _nodeB.Keys)));

    [Test]
    public async Task AClaimIsOneKeyWithTheTimeToLiveUnderTheKeyPrefix()
    {
        var key = NewKey();
        await Store.TryClaimAsync(key, Pending(), TimeSpan.FromMinutes(10), CancellationToken.None);

        var ttl = await _redis.Database.KeyTimeToLiveAsync(_redis.Keys.ClientMessage(key));
        Assert.That(ttl, Is.GreaterThan(TimeSpan.FromMinutes(9)).And.LessThanOrEqualTo(TimeSpan.FromMinutes(10)));
        Assert.That(_redis.Keys.ClientMessage(key).ToString(), Does.StartWith(_redis.Keys.Prefix));
    }

    /// <summary>Claims go to node A, reads and replacements to node B, as a retry that reconnected elsewhere would.</summary>
    private sealed class TwoNodes(RedisClientMessageIdStore a, RedisClientMessageIdStore b) : IClientMessageIdStore
    {
        public ValueTask<ClientMessageClaim?> TryClaimAsync(ClientMessageKey key, ClientMessageClaim claim, TimeSpan ttl, CancellationToken cancellationToken) =>
            a.TryClaimAsync(key, claim, ttl, cancellationToken);

        public ValueTask<ClientMessageClaim?> GetAsync(ClientMessageKey key, CancellationToken cancellationToken) => b.GetAsync(key, cancellationToken);

        public ValueTask<bool> ReplaceAsync(ClientMessageKey key, ClientMessageClaim expected, ClientMessageClaim? replacement, TimeSpan ttl, CancellationToken cancellationToken) =>
            b.ReplaceAsync(key, expected, replacement, ttl, cancellationToken);
    }
}
