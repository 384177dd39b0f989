using System.Net;
using Fatechat.Server.Messaging;
using Fatechat.Server.Private;
using Fatechat.Server.Storage;
using Fatechat.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Fatechat.Tests.Api;

[TestFixture]
public sealed class PrivateMessagesApiTests
{
    private FatechatTestServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await FatechatTestServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    private async Task<List<string>> GetIdsAsync(string token, string path)
    {
        using var request = _server.Request(HttpMethod.Get, path, token);
        using var response = await _server.Client.SendAsync(request);
        return (await HttpAssert.IsOkJsonAsync(response)).EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
    }

    private async Task<PrivateMessage> StoreAsync(string from, string to, string text)
    {
        var id = _server.Services.GetRequiredService<MessageIdGenerator>().NewId(out var createdAt);
        var message = new PrivateMessage(id, from, to, text, createdAt);
        await _server.Services.GetRequiredService<IMessageRepository>().AddPrivateMessageAsync(message, CancellationToken.None);
        return message;
    }

    [Test]
    public async Task ConversationListNamesEachPartnerWithTheLatestMessageMostRecentFirst()
    {
        var (alice, aliceToken) = await _server.RegisterAsync("alice");
        var (bob, _) = await _server.RegisterAsync("bob");
        var (carol, _) = await _server.RegisterAsync("carol");
        await StoreAsync(alice, bob, "hi bob");
        var fromCarol = await StoreAsync(carol, alice, "hi alice");
        var toBob = await StoreAsync(alice, bob, "still there?");

        using var request = _server.Request(HttpMethod.Get, "/api/private", aliceToken);
        using var response = await _server.Client.SendAsync(request);
        var list = (await HttpAssert.IsOkJsonAsync(response)).EnumerateArray().ToList();

        Assert.That(list.Select(c => c.GetProperty("with").GetString()), Is.EqualTo(new[] { bob, carol }));
        Assert.That(list.Select(c => c.GetProperty("lastMessage").GetProperty("id").GetString()), Is.EqualTo(new[] { toBob.Id, fromCarol.Id }));
        Assert.That(list[0].GetProperty("lastMessage").GetProperty("messageText").GetString(), Is.EqualTo("still there?"));
    }

    [Test]
    public async Task ConversationListNeedsATokenAndAValidLimit()
    {
        var (_, token) = await _server.RegisterAsync();
        using var anonymous = await _server.Client.GetAsync("/api/private");
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using var request = _server.Request(HttpMethod.Get, "/api/private?limit=0", token);
        using var badLimit = await _server.Client.SendAsync(request);
        Assert.That(badLimit.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task ConversationHoldsBothDirectionsNewestFirstAndNothingElse()
    {
        var (alice, aliceToken) = await _server.RegisterAsync("alice");
        var (bob, bobToken) = await _server.RegisterAsync("bob");
        var (carol, _) = await _server.RegisterAsync("carol");
        var m1 = await StoreAsync(alice, bob, "hi bob");
        var m2 = await StoreAsync(bob, alice, "hi alice");
        await StoreAsync(alice, carol, "not for bob");
        var m3 = await StoreAsync(alice, bob, "bye");

        var expected = new[] { m3.Id, m2.Id, m1.Id };
        Assert.That(await GetIdsAsync(aliceToken, $"/api/private/{bob}/messages"), Is.EqualTo(expected));
        Assert.That(await GetIdsAsync(bobToken, $"/api/private/{alice.ToUpperInvariant()}/messages"), Is.EqualTo(expected));
    }

    [Test]
    public async Task ConversationRowsHaveTheReceivePrivateMessageShape()
    {
        var (alice, aliceToken) = await _server.RegisterAsync("alice");
        var (bob, _) = await _server.RegisterAsync("bob");
        var stored = await StoreAsync(alice, bob, "<img src=x onerror=alert(1)>");

        using var request = _server.Request(HttpMethod.Get, $"/api/private/{bob}/messages", aliceToken);
        using var response = await _server.Client.SendAsync(request);
        var row = (await HttpAssert.IsOkJsonAsync(response))[0];

        Assert.That(HttpAssert.PropertyNames(row), Is.EqualTo(new[] { "id", "from", "to", "messageText", "createdAt" }));
        Assert.That(row.GetProperty("id").GetString(), Is.EqualTo(stored.Id));
        Assert.That(row.GetProperty("from").GetString(), Is.EqualTo(alice));
        Assert.That(row.GetProperty("to").GetString(), Is.EqualTo(bob));
        Assert.That(row.GetProperty("messageText").GetString(), Is.EqualTo("<img src=x onerror=alert(1)>"));
        Assert.That(row.GetProperty("createdAt").GetString(), Does.Match(HttpAssert.TimestampPattern));
    }

    [Test]
    public async Task ConversationPagesWithBeforeAndLimit()
    {
        var (alice, aliceToken) = await _server.RegisterAsync("alice");
        var (bob, _) = await _server.RegisterAsync("bob");
        var stored = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            stored.Add((await StoreAsync(i % 2 == 0 ? alice : bob, i % 2 == 0 ? bob : alice, $"m{i}")).Id);
        }

        stored.Reverse();
        var first = await GetIdsAsync(aliceToken, $"/api/private/{bob}/messages?limit=3");
        var second = await GetIdsAsync(aliceToken, $"/api/private/{bob}/messages?limit=3&before={first[^1]}");
        var third = await GetIdsAsync(aliceToken, $"/api/private/{bob}/messages?limit=3&before={second[^1]}");
        Assert.That(first.Concat(second).Concat(third), Is.EqualTo(stored));
        Assert.That(third, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task UnknownUserIs404()
    {
        var (_, token) = await _server.RegisterAsync("alice");
        using var request = _server.Request(HttpMethod.Get, "/api/private/nobody-here@example.test/messages", token);
        using var response = await _server.Client.SendAsync(request);
        await HttpAssert.IsErrorAsync(response, HttpStatusCode.NotFound);
    }

    [TestCase("?limit=0")]
    [TestCase("?limit=101")]
    [TestCase("?before=zzz")]
    public async Task BadPagingParametersAre400(string query)
    {
        var (_, token) = await _server.RegisterAsync("alice");
        var (bob, _) = await _server.RegisterAsync("bob");
        using var request = _server.Request(HttpMethod.Get, $"/api/private/{bob}/messages{query}", token);
        using var response = await _server.Client.SendAsync(request);
        await HttpAssert.IsErrorAsync(response, HttpStatusCode.BadRequest);
    }
}
