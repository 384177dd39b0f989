using System.Diagnostics;
using System.Net;
using Fatechat.Server.Caching;
using Fatechat.Server.Chat;
using Fatechat.Server.Messaging;
using Fatechat.Server.Options;
using Fatechat.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Fatechat.Tests.Adapters.Redis;

/// <summary>
/// Redis going away and coming back, for node A only: node A reaches Redis through a <see cref="TcpOutageProxy"/>,
/// node B directly. Recent messages must come from the database meanwhile, presence from node A's own view, and
/// both must be shared again once Redis answers.
/// </summary>
[TestFixture]
public sealed class RedisOutageTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private RedisTestConnection _direct = null!;
    private TcpOutageProxy _proxy = null!;
    private RedisTestConnection _viaProxy = null!;
    private string _sqliteFolder = null!;
    private SqliteMessageRepository _messages = null!;

    [SetUp]
    public async Task Start()
    {
        _direct = RedisTestConnection.Create();
        var options = ConfigurationOptions.Parse(RealServices.RequireRedis());
        var upstream = options.EndPoints[0];
        var (host, port) = upstream switch
        {
            DnsEndPoint dns => (dns.Host, dns.Port),
            IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            _ => throw new InvalidOperationException($"Unexpected Redis end point {upstream}"),
        };
        _proxy = new TcpOutageProxy(host, port == 0 ? 6379 : port);
        options.EndPoints.Clear();
        options.EndPoints.Add(_proxy.EndPoint);
        _viaProxy = RedisTestConnection.Create(options.ToString(includePassword: true), _direct.Keys.Prefix);

        _sqliteFolder = Directory.CreateTempSubdirectory("fatechat-outage-").FullName;
        var database = new SqliteDatabase(Path.Combine(_sqliteFolder, "test.db"));
        await new SqliteSchemaMigrator(database, NullLogger<SqliteSchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        _messages = new SqliteMessageRepository(database);
    }

    [TearDown]
    public async Task Stop()
    {
        await _viaProxy.DisposeAsync();
        await _proxy.DisposeAsync();
        await _direct.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_sqliteFolder, recursive: true);
    }

    private RoomHistory History(IRecentMessageCache cache) =>
        new(new InProcessChatBus(NullLogger<InProcessChatBus>.Instance), cache, _messages, MsOptions.Create(new ChatOptions { RecentMessagesCap = 10 }));

    private async Task<ChatMessage> PostAsync(IRecentMessageCache cache, string room, string text)
    {
        var message = AdapterTestData.Message(room, text);
        await _messages.AddRoomMessageAsync(message, CancellationToken.None);
        await cache.AddAsync(message, CancellationToken.None);
        return message;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Bound)
            {
                Assert.Fail($"{what} did not happen within {Bound.TotalSeconds} s");
            }

            await Task.Delay(100);
        }

        TestContext.Out.WriteLine($"{what}: {clock.ElapsedMilliseconds} ms");
    }

    private static PresenceEntry Entry(RedisPresenceStore node, string room, string user, string socket) => new(room, user, node.NodeId, socket);

    [Test]
    public async Task RecentMessagesComeFromTheDatabaseDuringAnOutageAndFromRedisAfterIt()
    {
        var room = AdapterTestData.RoomName();
        var cacheA = _viaProxy.NewCache(10);
        var cacheB = _direct.NewCache(10);
        var history = History(cacheA);
        var before = new List<ChatMessage>();
        for (var i = 0; i < 3; i++)
        {
            before.Add(await PostAsync(cacheA, room, $"before {i}"));
        }

        Assert.That(await cacheB.GetLatestAsync(room, 10, CancellationToken.None), Has.Count.EqualTo(3), "cached through the proxy");

        _proxy.StartOutage();
        await WaitForAsync(() => Task.FromResult(!_viaProxy.Redis.IsConnected), "node A noticing the outage");

        var clock = Stopwatch.StartNew();
        var during = await PostAsync(cacheA, room, "during the outage");
        var latest = await history.GetLatestAsync(room, 10, CancellationToken.None);
        clock.Stop();

        Assert.That(latest, Is.EqualTo(before.Append(during).Reverse()), "the database answered");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "the cache failed fast instead of waiting for a timeout");
        Assert.That(await cacheA.GetLatestAsync(room, 10, CancellationToken.None), Is.Empty, "an unreachable cache answers a miss");

        _proxy.EndOutage();
        await WaitForAsync(() => Task.FromResult(_viaProxy.Redis.IsConnected), "node A reconnecting");

        // The list lacks the outage's message: node A drops it on first use, reads the database, and warms Redis.
        Assert.That(await history.GetLatestAsync(room, 10, CancellationToken.None), Is.EqualTo(before.Append(during).Reverse()));
        Assert.That(await cacheB.GetLatestAsync(room, 10, CancellationToken.None), Is.EqualTo(before.Append(during).Reverse()), "node B sees the rebuilt list");
        var after = await PostAsync(cacheA, room, "after");
        Assert.That((await cacheB.GetLatestAsync(room, 1, CancellationToken.None))[0], Is.EqualTo(after));
    }

    [Test]
    public async Task PresenceFallsBackToTheNodesOwnViewAndIsRepublishedWhenRedisReturns()
    {
        var room = AdapterTestData.RoomName();
        var (alice, bob, carol, dave) = (AdapterTestData.Email("alice"), AdapterTestData.Email("bob"), AdapterTestData.Email("carol"), AdapterTestData.Email("dave"));
        // A long TTL: only the wake-up on reconnection, not the periodic beat (every 10 s) or an expiry, can explain a quick recovery.
        var nodeA = _viaProxy.NewPresence("node-a", ttlSeconds: 30);
        var heartbeatA = new RedisPresenceHeartbeat(nodeA, _viaProxy.Redis, NullLogger<RedisPresenceHeartbeat>.Instance);
        await heartbeatA.StartAsync(CancellationToken.None);
        var nodeB = _direct.NewPresence("node-b", ttlSeconds: 30);
        await nodeB.HeartbeatAsync();
        try
        {
            await nodeA.AddAsync(Entry(nodeA, room, alice, "a1"), CancellationToken.None);
            await nodeA.AddAsync(Entry(nodeA, room, carol, "a2"), CancellationToken.None);
            await nodeB.AddAsync(Entry(nodeB, room, bob, "b1"), CancellationToken.None);
            Assert.That(await nodeB.GetOnlineUsersAsync(room, CancellationToken.None), Is.EqualTo(Sorted(alice, bob, carol)));

            _proxy.StartOutage();
            await WaitForAsync(() => Task.FromResult(!_viaProxy.Redis.IsConnected), "node A noticing the outage");

            Assert.That(await nodeA.RemoveAsync(Entry(nodeA, room, carol, "a2"), CancellationToken.None), Is.True, "carol left, as far as node A knows");
            Assert.That(await nodeA.AddAsync(Entry(nodeA, room, dave, "a3"), CancellationToken.None), Is.True, "dave joined, as far as node A knows");
            Assert.That(await nodeA.GetOnlineUsersAsync(room, CancellationToken.None), Is.EqualTo(Sorted(alice, dave)), "node A's own view");
            Assert.That(nodeA.IsOutOfSync, Is.True);

            _proxy.EndOutage();
            await WaitForAsync(async () => (await nodeB.GetOnlineUsersAsync(room, CancellationToken.None)).SequenceEqual(Sorted(alice, bob, dave)),
                "node B seeing node A's joins and leaves of the outage");

            Assert.That(await nodeA.GetOnlineUsersAsync(room, CancellationToken.None), Is.EqualTo(Sorted(alice, bob, dave)), "node A sees the shared view again");
            Assert.That(nodeA.IsOutOfSync, Is.False);
        }
        finally
        {
            await heartbeatA.StopAsync(CancellationToken.None);
            heartbeatA.Dispose();
        }
    }

    [Test]
    public async Task ANodeStartedWhileRedisIsDownStillServesFromTheDatabaseAndItsOwnView()
    {
        _proxy.StartOutage();
        var options = ConfigurationOptions.Parse(_proxy.EndPoint);
        options.ConnectTimeout = 1000;
        await using var redis = RedisConnector.Connect(options.ToString(), NullLogger.Instance);
        var cache = new RedisRecentMessageCache(redis, _direct.Keys, MsOptions.Create(new ChatOptions { RecentMessagesCap = 10 }), NullLogger<RedisRecentMessageCache>.Instance);
        var presence = new RedisPresenceStore(redis, _direct.Keys, MsOptions.Create(new FatechatOptions { NodeId = "node-a" }),
            MsOptions.Create(new RedisOptions()), NullLogger<RedisPresenceStore>.Instance);
        var room = AdapterTestData.RoomName();
        var alice = AdapterTestData.Email("alice");

        Assert.That(redis.IsConnected, Is.False);
        var stored = await PostAsync(cache, room, "stored while Redis is down");
        Assert.That(await History(cache).GetLatestAsync(room, 5, CancellationToken.None), Is.EqualTo(new[] { stored }));
        Assert.That(await presence.AddAsync(new PresenceEntry(room, alice, "node-a", "s1"), CancellationToken.None), Is.True);
        Assert.That(await presence.GetOnlineUsersAsync(room, CancellationToken.None), Is.EqualTo(new[] { alice }));
        Assert.ThrowsAsync<RedisConnectionException>(presence.HeartbeatAsync);
    }

    private static string[] Sorted(params string[] users) => users.Order(StringComparer.Ordinal).ToArray();
}
