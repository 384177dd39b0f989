using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fatechat.Server.Options;
using Fatechat.Tests.Adapters;
using Fatechat.Tests.Adapters.MySql;
using Fatechat.Tests.Interop;
using Fatechat.Tests.Support;
using MySqlConnector;

namespace Fatechat.Tests.Migration;

/// <summary>
/// Fatechat started on a MariaDB database that holds the Node app's tables and rows (a bcryptjs hash and a token
/// made by the npm packages the Node app used): the users log in with their passwords, the rooms and their history
/// are there in order with their timestamps and event flags, the Node app's tokens are accepted, and a later start
/// imports nothing twice but does resume an import that stopped half-way.
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class NodeAppMigrationTests
{
    private const string AlicePassword = "pw-alice-1";
    private const string BobPassword = "pw-bob-22";

    private MySqlTestDatabase _db = null!;
    private string _connection = "";
    private string _aliceToken = "";

    [OneTimeSetUp]
    public async Task CreateNodeAppDatabase()
    {
        _db = await MySqlTestDatabase.CreateAsync();
        _connection = new MySqlConnectionStringBuilder(RealServices.MySqlConnection) { Database = _db.Name }.ConnectionString;
        var alice = await NodeCredentialsAsync(AlicePassword, 4, "alice@x.io");
        var bob = await NodeCredentialsAsync(BobPassword, 9, "bob@x.io");
        _aliceToken = alice.GetProperty("token").GetString()!;
        await ExecuteAsync(NodeAppSchema.Ddl);
        await ExecuteAsync($"""
            INSERT INTO `Users` (id, email, password, createdAt, updatedAt) VALUES
                (4, 'alice@x.io', '{alice.GetProperty("hash").GetString()}', '2026-11-28 01:20:00', '2026-11-28 01:20:00'),
                (9, 'bob@x.io', '{bob.GetProperty("hash").GetString()}', '2026-11-28 01:21:00', '2026-11-28 01:21:00');
            INSERT INTO `ChatRooms` (id, name, createdAt, updatedAt) VALUES
                (3, 'general', '2026-11-28 01:22:00', '2026-11-28 01:22:00'),
                (7, 'random', '2026-11-28 01:23:00', '2026-11-28 01:23:00');
            INSERT INTO `Messages` (id, message_text, sender_mail, is_event, room_name, createdAt, updatedAt) VALUES
                (40, 'alice@x.io joined the room', 'alice@x.io', 1, 'general', '2026-11-28 01:29:50', '2026-11-28 01:29:50'),
                (41, 'hello', 'alice@x.io', 0, 'general', '2026-11-28 01:29:51', '2026-11-28 01:29:51'),
                (42, 'hi alice', 'bob@x.io', 0, 'general', '2026-11-28 01:29:51', '2026-11-28 01:29:51'),
                (43, 'bob@x.io left the room', 'bob@x.io', 1, 'general', '2026-11-28 01:30:05', '2026-11-28 01:30:05'),
                (44, 'elsewhere', 'bob@x.io', 0, 'random', '2026-11-28 01:31:00', '2026-11-28 01:31:00');
            """);
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test, Order(1)]
    public async Task UsersLogInWithTheirNodePasswordsAndTheirTokensAreAccepted()
    {
        await using var server = await StartAsync();

        foreach (var (email, password) in new[] { ("alice@x.io", AlicePassword), ("bob@x.io", BobPassword) })
        {
            using var login = await server.Client.PostAsJsonAsync("/api/login", new { email, password });
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK), email);
        }

        using var wrong = await server.Client.PostAsJsonAsync("/api/login", new { email = "alice@x.io", password = "nope" });
        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        // The Node frontend sends the raw token, no "Bearer".
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/chat");
        request.Headers.TryAddWithoutValidation("Authorization", _aliceToken);
        using var rooms = await server.Client.SendAsync(request);
        Assert.That(rooms.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a token the Node app issued");
        var list = await rooms.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(list.EnumerateArray().Select(r => (r.GetProperty("id").GetInt64(), r.GetProperty("name").GetString())),
            Is.EquivalentTo(new[] { (3L, "general"), (7L, "random") }), "rooms keep their ids and names");
    }

    [Test, Order(2)]
    public async Task HistoryComesAcrossInOrderWithTimestampsAndEventFlags()
    {
        await using var server = await StartAsync();

        var history = await MessagesAsync(server, roomId: 3);

        Assert.That(history.Select(m => m.Text), Is.EqualTo(new[] { "bob@x.io left the room", "hi alice", "hello", "alice@x.io joined the room" }),
            "newest first, same-second rows in Node id order");
        Assert.That(history.Select(m => m.IsEvent), Is.EqualTo(new[] { true, false, false, true }));
        Assert.That(history.Select(m => m.CreatedAt), Is.EqualTo(new[]
        {
            "2026-11-28T01:30:05.000Z", "2026-11-28T01:29:51.000Z", "2026-11-28T01:29:51.000Z", "2026-11-28T01:29:50.000Z",
        }));
        Assert.That(history.Select(m => m.Sender), Is.EqualTo(new[] { "bob@x.io", "bob@x.io", "alice@x.io", "alice@x.io" }));
    }

    [Test, Order(3)]
    public async Task ASecondStartImportsNothingTwiceAndAnInterruptedImportResumes()
    {
        await using (await StartAsync())
        {
        }

        Assert.That(await CountAsync("users"), Is.EqualTo(2));
        Assert.That(await CountAsync("chat_rooms"), Is.EqualTo(2));
        Assert.That(await CountAsync("messages"), Is.EqualTo(5));

        // As if a start had died after the batch that ended at Node message 41.
        await ExecuteAsync("UPDATE node_import SET last_id = 41 WHERE source_table = 'Messages'; DELETE FROM messages WHERE message_text IN ('hi alice', 'elsewhere')");
        await using var server = await StartAsync();

        Assert.That(await CountAsync("messages"), Is.EqualTo(5), "the missing rows came back, none twice");
        Assert.That((await MessagesAsync(server, roomId: 7)).Select(m => m.Text), Is.EqualTo(new[] { "elsewhere" }));
    }

    [Test, Order(4)]
    public async Task NodeTokensAreRefusedWhenTheSettingTurnsThemOff()
    {
        await using var server = await StartAsync("--Fatechat:Jwt:AcceptNodeTokens=false");

        Assert.That(await RoomsStatusAsync(server, _aliceToken), Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test, Order(5)]
    public async Task TokensSignedWithTheNodeAppsOwnShortKeyAreAcceptedWithNodeSecret()
    {
        // The Node app hard-coded this 19-byte key; HS256 keys for Fatechat's own tokens must be 32 bytes or more.
        const string nodeKey = "a_strong_secret_key";
        await using var server = await StartAsync($"--Fatechat:Jwt:NodeSecret={nodeKey}");
        var signedByNode = (await NodeCredentialsAsync(AlicePassword, 4, "alice@x.io", nodeKey)).GetProperty("token").GetString();
        var signedElsewhere = (await NodeCredentialsAsync(AlicePassword, 4, "alice@x.io", "another_key_entirely")).GetProperty("token").GetString();

        Assert.That(await RoomsStatusAsync(server, signedByNode), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await RoomsStatusAsync(server, signedElsewhere), Is.EqualTo(HttpStatusCode.Unauthorized));
        using var login = await server.Client.PostAsJsonAsync("/api/login", new { email = "alice@x.io", password = AlicePassword });
        var own = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        Assert.That(await RoomsStatusAsync(server, own), Is.EqualTo(HttpStatusCode.OK), "Fatechat's own tokens still work");
    }

    private static async Task<HttpStatusCode> RoomsStatusAsync(FatechatTestServer server, string? rawToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/chat");
        request.Headers.TryAddWithoutValidation("Authorization", rawToken);
        using var response = await server.Client.SendAsync(request);
        return response.StatusCode;
    }

    private Task<FatechatTestServer> StartAsync(params string[] extra) => FatechatTestServer.StartAsync(
        ["--Fatechat:Providers:Storage=mysql", $"--Fatechat:Storage:MySqlConnection={_connection}", .. extra]);

    private static async Task<List<(string Text, bool IsEvent, string CreatedAt, string Sender)>> MessagesAsync(FatechatTestServer server, long roomId)
    {
        using var login = await server.Client.PostAsJsonAsync("/api/login", new { email = "bob@x.io", password = BobPassword });
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        using var response = await server.Client.SendAsync(server.Request(HttpMethod.Get, $"/api/chat/{roomId}/messages", token));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var rows = await response.Content.ReadFromJsonAsync<JsonElement>();
        return rows.EnumerateArray().Select(m => (
            m.GetProperty("message_text").GetString()!,
            m.GetProperty("is_event").GetBoolean(),
            m.GetProperty("createdAt").GetString()!,
            m.GetProperty("sender_mail").GetString()!)).ToList();
    }

    private static Task<JsonElement> NodeCredentialsAsync(string password, long userId, string email, string secret = JwtOptions.SampleSecret) =>
        NodeScript.RunAsync(TimeSpan.FromSeconds(30), "../../Migration/node/node-credentials.mjs", "-",
            password, secret, userId.ToString(System.Globalization.CultureInfo.InvariantCulture), email);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountAsync(string table) => await _db.ScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
}
