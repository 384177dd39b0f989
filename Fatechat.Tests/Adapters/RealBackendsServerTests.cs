using System.Net;
using System.Text.Json;
using Fatechat.Server.Caching;
using Fatechat.Server.Messaging;
using Fatechat.Server.Storage;
using Fatechat.Tests.Adapters.MySql;
using Fatechat.Tests.Adapters.Redis;
using Fatechat.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Fatechat.Tests.Adapters;

/// <summary>
/// The whole server chosen onto MySQL and Redis by configuration alone: it migrates an empty database at start,
/// registers its heartbeat, and serves REST and the message path from the real backends.
/// </summary>
[TestFixture]
public sealed class RealBackendsServerTests
{
    private MySqlTestDatabase _db = null!;
    private RedisTestConnection _redis = null!;
    private FatechatTestServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _db = await MySqlTestDatabase.CreateAsync();
        _redis = RedisTestConnection.Create();
        var mysql = new MySqlConnector.MySqlConnectionStringBuilder(RealServices.MySqlConnection) { Database = _db.Name };
        _server = await FatechatTestServer.StartAsync(
            "--Fatechat:Providers:Storage=mysql",
            $"--Fatechat:Storage:MySqlConnection={mysql.ConnectionString}",
            "--Fatechat:Providers:Cache=redis",
            "--Fatechat:Providers:Presence=redis",
            $"--Fatechat:Redis:Connection={RealServices.RedisConnection}",
            $"--Fatechat:Redis:KeyPrefix={_redis.Keys.Prefix}",
            "--Fatechat:Server:NodeId=backends-node");
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        await _server.DisposeAsync();
        await _redis.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Test]
    public void ConfigurationSelectsTheRealBackends()
    {
        Assert.That(_server.Services.GetRequiredService<IUserRepository>(), Is.TypeOf<MySqlUserRepository>());
        Assert.That(_server.Services.GetRequiredService<IMessageRepository>(), Is.TypeOf<MySqlMessageRepository>());
        Assert.That(_server.Services.GetRequiredService<IRecentMessageCache>(), Is.TypeOf<RedisRecentMessageCache>());
        Assert.That(_server.Services.GetRequiredService<IPresenceStore>(), Is.TypeOf<RedisPresenceStore>());
    }

    [Test]
    public async Task StartUpMigratedTheDatabaseAndStartedTheHeartbeat()
    {
        Assert.That(await _db.ScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"), Is.EqualTo(SchemaMigration.Load("MySql").Count));
        Assert.That(await _redis.Database.KeyTimeToLiveAsync(_redis.Keys.NodeHeartbeat("backends-node")), Is.Not.Null.And.GreaterThan(TimeSpan.Zero));
    }

    [Test]
    public async Task RegisterCreateRoomAndReadMessagesStoredOnceThroughTheMessagePath()
    {
        var (email, token) = await _server.RegisterAsync();
        using (var again = await _server.Client.SendAsync(_server.Request(HttpMethod.Post, "/api/register", null, new { email = email.ToUpperInvariant(), password = "correct horse" })))
        {
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        }

        var roomName = AdapterTestData.RoomName();
        using var created = await _server.Client.SendAsync(_server.Request(HttpMethod.Post, "/api/chat", token, new { name = roomName }));
        var room = await HttpAssert.IsOkJsonAsync(created);
        var roomId = room.GetProperty("id").GetInt64();

        var bus = _server.Services.GetRequiredService<IChatBus>();
        var message = AdapterTestData.Message(roomName, "stored once", sender: email);
        await bus.PublishAsync(new RoomMessagePosted(message), CancellationToken.None);
        await bus.PublishAsync(new RoomMessagePosted(message), CancellationToken.None);

        JsonElement messages = default;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        do
        {
            await Task.Delay(50);
            using var response = await _server.Client.SendAsync(_server.Request(HttpMethod.Get, $"/api/chat/{roomId}/messages", token));
            messages = await HttpAssert.IsOkJsonAsync(response);
        }
        while (messages.GetArrayLength() == 0 && DateTime.UtcNow < deadline);

        Assert.That(messages.GetArrayLength(), Is.EqualTo(1));
        Assert.That(messages[0].GetProperty("message_text").GetString(), Is.EqualTo("stored once"));
        Assert.That(messages[0].GetProperty("createdAt").GetString(), Does.Match(HttpAssert.TimestampPattern));
        Assert.That(await _db.ScalarAsync<long>($"SELECT COUNT(*) FROM messages WHERE id = '{message.Id}'"), Is.EqualTo(1));
        Assert.That(await _redis.Database.SortedSetLengthAsync(_redis.Keys.RecentMessages(roomName)), Is.EqualTo(1), "cached in Redis");
    }
}
