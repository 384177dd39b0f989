using System.Net;
using Fatechat.Server.Chat;
using Fatechat.Server.Messaging;
using Fatechat.Server.Storage;
using Fatechat.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Fatechat.Tests.Api;

[TestFixture]
public sealed class RoomsApiTests
{
    private FatechatTestServer _server = null!;
    private string _token = null!;
    private string _email = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _server = await FatechatTestServer.StartAsync();
        (_email, _token) = await _server.RegisterAsync("rooms");
    }

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    private static string NewRoomName() => "room-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? json = null, string? token = "")
    {
        using var request = _server.Request(method, path, token == "" ? _token : token, json);
        return await _server.Client.SendAsync(request);
    }

    private async Task<(long Id, string Name)> CreateRoomAsync(string? name = null)
    {
        name ??= NewRoomName();
        using var response = await SendAsync(HttpMethod.Post, "/api/chat", new { name });
        var room = await HttpAssert.IsOkJsonAsync(response);
        return (room.GetProperty("id").GetInt64(), name);
    }

    [Test]
    public async Task CreateRoomReturnsIdNameAndMillisecondTimestamps()
    {
        var name = NewRoomName();
        using var response = await SendAsync(HttpMethod.Post, "/api/chat", new { name = "  " + name + " " });
        var room = await HttpAssert.IsOkJsonAsync(response);

        Assert.That(HttpAssert.PropertyNames(room), Is.EqualTo(new[] { "id", "name", "createdAt", "updatedAt" }));
        Assert.That(room.GetProperty("name").GetString(), Is.EqualTo(name), "name is trimmed");
        Assert.That(room.GetProperty("createdAt").GetString(), Does.Match(HttpAssert.TimestampPattern));
        Assert.That(room.GetProperty("updatedAt").GetString(), Is.EqualTo(room.GetProperty("createdAt").GetString()));
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase(null)]
    public async Task CreateRoomRefusesEmptyNameWith400(string? name)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/chat", new { name });
        await HttpAssert.IsErrorAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task CreateRoomRefusesTooLongOrControlCharacterNamesWith400()
    {
        using var tooLong = await SendAsync(HttpMethod.Post, "/api/chat", new { name = new string('r', 101) });
        await HttpAssert.IsErrorAsync(tooLong, HttpStatusCode.BadRequest);
        using var control = await SendAsync(HttpMethod.Post, "/api/chat", new { name = "bad\u001Fname" });
        await HttpAssert.IsErrorAsync(control, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task CreateRoomRefusesTakenNameWith409InAnyCase()
    {
        var (_, name) = await CreateRoomAsync();
        using var again = await SendAsync(HttpMethod.Post, "/api/chat", new { name = name.ToUpperInvariant() });
        await HttpAssert.IsErrorAsync(again, HttpStatusCode.Conflict);
    }

    [Test]
    public async Task ListRoomsReturnsCreatedRoomsOldestFirst()
    {
        var first = await CreateRoomAsync();
        var second = await CreateRoomAsync();

        using var response = await SendAsync(HttpMethod.Get, "/api/chat");
        var rooms = (await HttpAssert.IsOkJsonAsync(response)).EnumerateArray().ToList();
        var ids = rooms.Select(r => r.GetProperty("id").GetInt64()).ToList();

        Assert.That(ids, Does.Contain(first.Id).And.Contain(second.Id));
        Assert.That(ids.IndexOf(first.Id), Is.LessThan(ids.IndexOf(second.Id)));
        Assert.That(HttpAssert.PropertyNames(rooms[0]), Is.EqualTo(new[] { "id", "name", "createdAt", "updatedAt" }));
    }

    [Test]
    public async Task EveryChatEndpointWithoutTokenIs401NoTokenProvided()
    {
        var (id, _) = await CreateRoomAsync();
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/chat"), (HttpMethod.Post, "/api/chat"), (HttpMethod.Get, $"/api/chat/{id}/messages"), (HttpMethod.Get, $"/api/private/{_email}/messages") })
        {
            using var response = await SendAsync(method, path, method == HttpMethod.Post ? new { name = NewRoomName() } : null, token: null);
            Assert.That(await HttpAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized), Is.EqualTo("Unauthorized: No token provided"), path);
        }
    }

    [Test]
    public async Task BadExpiredForgedOrUnsignedTokenIs401InvalidToken()
    {
        var expired = TestTokens.Create(new { userId = 1, userMail = _email, iss = "fatechat", iat = TestTokens.Now - 7200, nbf = TestTokens.Now - 7200, exp = TestTokens.Now - 3600 });
        var forged = TestTokens.Create(new { userId = 1, userMail = _email, iss = "fatechat", iat = TestTokens.Now, exp = TestTokens.Now + 3600 }, secret: "some-other-secret-that-is-long-enough-for-hs256");
        var unsigned = _token[.._token.LastIndexOf('.')] + ".";
        foreach (var token in new[] { "garbage", expired, forged, unsigned, _token + "x" })
        {
            using var response = await SendAsync(HttpMethod.Get, "/api/chat", token: token);
            Assert.That(await HttpAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized), Is.EqualTo("Unauthorized: Invalid token"), token);
        }
    }

    [Test]
    public async Task AuthorizationAcceptsBearerInAnyCaseAndTheRawToken()
    {
        foreach (var header in new[] { $"BEARER {_token}", $"Bearer {_token}", $"bearer {_token}", $"bEaReR {_token}", _token })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/chat");
            request.Headers.TryAddWithoutValidation("Authorization", header);
            using var response = await _server.Client.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), header[..10]);
        }
    }

    [Test]
    public async Task MessagesOfNewRoomAreEmpty()
    {
        var (id, _) = await CreateRoomAsync();
        using var response = await SendAsync(HttpMethod.Get, $"/api/chat/{id}/messages");
        Assert.That((await HttpAssert.IsOkJsonAsync(response)).GetArrayLength(), Is.Zero);
    }

    [TestCase("999999999")]
    [TestCase("abc")]
    [TestCase("-1")]
    public async Task MessagesOfUnknownRoomIs404(string id)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/chat/{id}/messages");
        await HttpAssert.IsErrorAsync(response, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task MessagesAreTheTwentyNewestNewestFirstInTheNodeShape()
    {
        var (id, name) = await CreateRoomAsync();
        var stored = await StoreMessagesAsync(name, 25);

        using var response = await SendAsync(HttpMethod.Get, $"/api/chat/{id}/messages");
        var rows = (await HttpAssert.IsOkJsonAsync(response)).EnumerateArray().ToList();

        Assert.That(rows.Select(r => r.GetProperty("id").GetString()), Is.EqualTo(stored.AsEnumerable().Reverse().Take(20).Select(m => m.Id)));
        var newest = rows[0];
        Assert.That(HttpAssert.PropertyNames(newest), Is.EqualTo(new[] { "id", "message_text", "sender_mail", "is_event", "room_name", "createdAt", "updatedAt" }));
        Assert.That(newest.GetProperty("message_text").GetString(), Is.EqualTo("message 24"));
        Assert.That(newest.GetProperty("sender_mail").GetString(), Is.EqualTo(_email));
        Assert.That(newest.GetProperty("is_event").GetBoolean(), Is.False);
        Assert.That(newest.GetProperty("room_name").GetString(), Is.EqualTo(name));
        Assert.That(newest.GetProperty("createdAt").GetString(), Does.Match(HttpAssert.TimestampPattern));
    }

    [Test]
    public async Task BeforeAndLimitPageThroughOlderHistory()
    {
        var (id, name) = await CreateRoomAsync();
        var stored = await StoreMessagesAsync(name, 130);
        var newestFirst = stored.AsEnumerable().Reverse().Select(m => m.Id).ToList();

        var seen = new List<string>();
        string? before = null;
        while (true)
        {
            var query = before is null ? "?limit=50" : $"?limit=50&before={before}";
            using var response = await SendAsync(HttpMethod.Get, $"/api/chat/{id}/messages{query}");
            var page = (await HttpAssert.IsOkJsonAsync(response)).EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
            seen.AddRange(page);
            if (page.Count < 50)
            {
                break;
            }

            before = page[^1];
        }

        Assert.That(seen, Is.EqualTo(newestFirst));

        using var hundred = await SendAsync(HttpMethod.Get, $"/api/chat/{id}/messages?limit=100");
        Assert.That((await HttpAssert.IsOkJsonAsync(hundred)).GetArrayLength(), Is.EqualTo(100));
    }

    [TestCase("?limit=0")]
    [TestCase("?limit=101")]
    [TestCase("?limit=abc")]
    [TestCase("?limit=-5")]
    [TestCase("?before=not-a-message-id")]
    [TestCase("?before=123")]
    public async Task BadPagingParametersAre400(string query)
    {
        var (id, _) = await CreateRoomAsync();
        using var response = await SendAsync(HttpMethod.Get, $"/api/chat/{id}/messages{query}");
        await HttpAssert.IsErrorAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task MessagePublishedOnTheBusIsStoredOnceAndServed()
    {
        var (id, name) = await CreateRoomAsync();
        var ids = _server.Services.GetRequiredService<MessageIdGenerator>();
        var bus = _server.Services.GetRequiredService<IChatBus>();
        var messageId = ids.NewId(out var createdAt);
        var message = new ChatMessage(messageId, name, "through the bus", _email, false, createdAt);

        // Published twice, as a redelivering Kafka consumer would: stored and served once.
        await bus.PublishAsync(new RoomMessagePosted(message), CancellationToken.None);
        await bus.PublishAsync(new RoomMessagePosted(message), CancellationToken.None);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<string> served;
        do
        {
            await Task.Delay(20);
            using var response = await SendAsync(HttpMethod.Get, $"/api/chat/{id}/messages");
            served = (await HttpAssert.IsOkJsonAsync(response)).EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
        }
        while (served.Count == 0 && DateTime.UtcNow < deadline);

        Assert.That(served, Is.EqualTo(new[] { messageId }));
        var repository = _server.Services.GetRequiredService<IMessageRepository>();
        Assert.That(await repository.GetRoomMessagesAsync(name, null, 10, CancellationToken.None), Has.Count.EqualTo(1));
    }

    private async Task<List<ChatMessage>> StoreMessagesAsync(string roomName, int count)
    {
        var ids = _server.Services.GetRequiredService<MessageIdGenerator>();
        var repository = _server.Services.GetRequiredService<IMessageRepository>();
        var stored = new List<ChatMessage>();
        for (var i = 0; i < count; i++)
        {
            var id = ids.NewId(out var createdAt);
            var message = new ChatMessage(id, roomName, $"message {i}", _email, false, createdAt);
            await repository.AddRoomMessageAsync(message, CancellationToken.None);
            stored.Add(message);
        }

        return stored;
    }
}
