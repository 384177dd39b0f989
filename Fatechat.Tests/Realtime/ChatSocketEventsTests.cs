using System.Text.Json;
using Fatechat.Tests.Interop;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Realtime;

/// <summary>
/// The chat events through the real npm socket.io-client (Realtime/node/chat-scenarios.mjs) against the real
/// server on Kestrel, embedded adapters, SQLite in a temp file.
/// </summary>
[TestFixture]
public sealed class ChatSocketEventsTests
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(60);

    private FatechatTestServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await FatechatTestServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    private Task<JsonElement> RunAsync(string scenario) =>
        NodeScript.RunAsync(ScenarioTimeout, "../../Realtime/node/chat-scenarios.mjs", _server.BaseAddress.ToString().TrimEnd('/'), scenario);

    private static string[] Keys(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();

    [Test]
    public async Task TwoUsersInARoomGetWelcomeOnlineListAndEachOthersMessages()
    {
        var r = await RunAsync("room");
        var alice = r.GetProperty("alice").GetString();
        var bob = r.GetProperty("bob").GetString();
        var room = r.GetProperty("room").GetString();

        Assert.That(r.GetProperty("welcome").GetString(), Is.EqualTo($"Welcome {alice} to room no {room}"));
        Assert.That(r.GetProperty("aliceJoin").GetProperty("ok").GetBoolean(), Is.True);
        Assert.That(r.GetProperty("onlineAtAlice").GetProperty("users").EnumerateArray().Select(u => u.GetString()), Is.EquivalentTo(new[] { alice, bob }));
        Assert.That(r.GetProperty("online").GetProperty("roomName").GetString(), Is.EqualTo(room), "joined with another letter case, answered with the stored name");

        var sent = r.GetProperty("sent");
        Assert.That(sent.GetProperty("ok").GetBoolean(), Is.True);
        var atBob = r.GetProperty("atBob");
        Assert.That(Keys(atBob), Is.EqualTo(new[] { "roomName", "messageText", "userMail", "isEvent", "id", "createdAt" }));
        Assert.That(atBob.GetProperty("id").GetString(), Is.EqualTo(sent.GetProperty("id").GetString()));
        Assert.That(atBob.GetProperty("userMail").GetString(), Is.EqualTo(alice));
        Assert.That(atBob.GetProperty("isEvent").GetBoolean(), Is.False);
        Assert.That(atBob.GetProperty("createdAt").GetString(), Does.Match(HttpAssert.TimestampPattern));
        Assert.That(r.GetProperty("atAlice").GetProperty("id").GetString(), Is.EqualTo(sent.GetProperty("id").GetString()), "the sender gets it too");
        Assert.That(r.GetProperty("bobMessagesFromAlice").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task RefusedMessagesAreAnsweredThroughTheAckOrAnErrorEvent()
    {
        var r = await RunAsync("room");
        var refusals = r.GetProperty("refusals");
        foreach (var name in new[] { "empty", "tooLong", "notJoined", "unknownRoom" })
        {
            Assert.That(refusals.GetProperty(name).GetProperty("ok").GetBoolean(), Is.False, name);
            Assert.That(refusals.GetProperty(name).GetProperty("error").GetString(), Is.Not.Empty, name);
        }

        Assert.That(r.GetProperty("longest").GetProperty("ok").GetBoolean(), Is.True, "4000 characters is the limit, not over it");
        Assert.That(r.GetProperty("errorEvent").GetProperty("error").GetString(), Is.Not.Empty);
        Assert.That(r.GetProperty("errorEvent").GetProperty("event").GetString(), Is.EqualTo("sendMessage"));
    }

    [Test]
    public async Task RecentMessagesComeNewestFirstInTheRestShape()
    {
        var r = await RunAsync("room");
        var recent = r.GetProperty("recent").EnumerateArray().ToList();

        Assert.That(recent, Has.Count.EqualTo(2), "count \"2\" is read as 2");
        Assert.That(recent[0].GetProperty("id").GetString(), Is.EqualTo(r.GetProperty("longest").GetProperty("id").GetString()));
        Assert.That(recent[1].GetProperty("id").GetString(), Is.EqualTo(r.GetProperty("sent").GetProperty("id").GetString()));
        Assert.That(Keys(recent[0]), Is.EqualTo(new[] { "id", "message_text", "sender_mail", "is_event", "room_name", "createdAt", "updatedAt" }));
    }

    [Test]
    public async Task UserWithTwoTabsStaysOnlineUntilTheLastTabCloses()
    {
        var r = await RunAsync("tabs");
        var alice = r.GetProperty("alice").GetString();
        var bob = r.GetProperty("bob").GetString();

        Assert.That(r.GetProperty("afterFirstTab").GetProperty("users").EnumerateArray().Select(u => u.GetString()), Is.EquivalentTo(new[] { alice, bob }));
        Assert.That(r.GetProperty("leftEarly").GetBoolean(), Is.False);
        Assert.That(r.GetProperty("left").GetProperty("isEvent").GetBoolean(), Is.True);
        Assert.That(r.GetProperty("onlineAfter").GetProperty("users").EnumerateArray().Select(u => u.GetString()), Is.EqualTo(new[] { bob }));
    }

    [Test]
    public async Task MessagesStayInTheirRoom()
    {
        var r = await RunAsync("rooms");
        Assert.That(r.GetProperty("aliceSawSecond").GetBoolean(), Is.False);
        Assert.That(r.GetProperty("bobSawFirst").GetBoolean(), Is.False);
        Assert.That(r.GetProperty("aliceRooms").GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task PrivateMessageReachesEveryTabOfBothUsersAndIsStored()
    {
        var r = await RunAsync("private");
        var alice = r.GetProperty("alice").GetString();
        var bob = r.GetProperty("bob").GetString();
        var id = r.GetProperty("ack").GetProperty("id").GetString();

        Assert.That(r.GetProperty("ack").GetProperty("ok").GetBoolean(), Is.True);
        foreach (var copy in new[] { "atB1", "atB2", "atA" })
        {
            var message = r.GetProperty(copy);
            Assert.That(Keys(message), Is.EqualTo(new[] { "id", "from", "to", "messageText", "createdAt" }), copy);
            Assert.That(message.GetProperty("id").GetString(), Is.EqualTo(id), copy);
            Assert.That(message.GetProperty("from").GetString(), Is.EqualTo(alice), copy);
            Assert.That(message.GetProperty("to").GetString(), Is.EqualTo(bob), copy);
        }

        Assert.That(r.GetProperty("copiesAtAlice").GetInt32(), Is.EqualTo(1));
        Assert.That(r.GetProperty("unknown").GetProperty("ok").GetBoolean(), Is.False);
        Assert.That(r.GetProperty("empty").GetProperty("ok").GetBoolean(), Is.False);
        Assert.That(r.GetProperty("errorEvent").GetProperty("event").GetString(), Is.EqualTo("sendPrivateMessage"));
        Assert.That(r.GetProperty("stored").EnumerateArray().Select(m => m.GetProperty("id").GetString()), Is.EqualTo(new[] { id }));
    }

    [Test]
    public async Task SendsRetriedWithAClientMessageIdAreStoredAndDeliveredOnceAndAckedWithTheFirstId()
    {
        var r = await RunAsync("clientIds");
        TestContext.Out.WriteLine($"sends of each retried packet: {r.GetProperty("retriesSent")}, reconnects: {r.GetProperty("reconnects")}");
        string Id(JsonElement ack) => ack.GetProperty("id").GetString()!;
        void SameId(string what, params JsonElement[] acks)
        {
            foreach (var ack in acks)
            {
                Assert.That(ack.GetProperty("ok").GetBoolean(), Is.True, $"{what}: {ack}");
            }

            Assert.That(acks.Select(Id).Distinct().Count(), Is.EqualTo(1), $"{what}: every ack carries the first id");
        }

        Assert.Multiple(() =>
        {
            SameId("the same event twice", [.. r.GetProperty("twiceAcks").EnumerateArray()]);
            SameId("two tabs at once", [.. r.GetProperty("tabAcks").EnumerateArray()]);
            SameId("a late ack, resent by socket.io-client", r.GetProperty("lateAck"));
            SameId("a lost ack, resent after the reconnect", r.GetProperty("lostAck"));
            SameId("sendPrivateMessage: lost ack, then sent twice more", [.. r.GetProperty("privateAcks").EnumerateArray()]);
            Assert.That(r.GetProperty("plainAcks").EnumerateArray().Select(Id).Distinct().Count(), Is.EqualTo(2), "without an id, two sends are two messages");

            Assert.That(r.GetProperty("retriesSent").GetProperty("late").GetInt32(), Is.GreaterThanOrEqualTo(2), "the client resent after ackTimeout");
            Assert.That(r.GetProperty("retriesSent").GetProperty("lost").GetInt32(), Is.GreaterThanOrEqualTo(2), "the client resent after reconnecting");
            Assert.That(r.GetProperty("retriesSent").GetProperty("private").GetInt32(), Is.GreaterThanOrEqualTo(2));
            Assert.That(r.GetProperty("reconnects").GetInt32(), Is.EqualTo(2), "each cut was followed by a reconnect");

            foreach (var text in new[] { "sent twice", "from two tabs", "late ack", "lost ack" })
            {
                Assert.That(r.GetProperty("atBob").GetProperty(text).GetInt32(), Is.EqualTo(1), $"'{text}' delivered once to bob");
                Assert.That(r.GetProperty("stored").GetProperty(text).GetInt32(), Is.EqualTo(1), $"'{text}' stored once");
            }

            Assert.That(r.GetProperty("atBob").GetProperty("no id").GetInt32(), Is.EqualTo(2));
            Assert.That(r.GetProperty("stored").GetProperty("no id").GetInt32(), Is.EqualTo(2));
            Assert.That(r.GetProperty("storedIds").GetProperty("late ack")[0].GetString(), Is.EqualTo(Id(r.GetProperty("lateAck"))));
            Assert.That(r.GetProperty("storedIds").GetProperty("lost ack")[0].GetString(), Is.EqualTo(Id(r.GetProperty("lostAck"))));
            Assert.That(r.GetProperty("lateCopiesAtRetrier").GetInt32(), Is.EqualTo(1), "the retrying client got its own message once");
            Assert.That(r.GetProperty("psstCopiesAtBob").GetInt32(), Is.EqualTo(1));
            Assert.That(r.GetProperty("privateStored").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { Id(r.GetProperty("privateAcks")[0]) }));
            Assert.That(r.GetProperty("longest").GetProperty("ok").GetBoolean(), Is.True, "64 characters is the limit, not over it");
        });

        var atBob = r.GetProperty("twiceAtBob");
        Assert.That(Keys(atBob), Is.EqualTo(new[] { "roomName", "messageText", "userMail", "isEvent", "id", "createdAt", "clientMessageId" }));
        Assert.That(atBob.GetProperty("clientMessageId").GetString(), Does.StartWith("twice-"));
        Assert.That(Keys(r.GetProperty("psstAtBob")), Is.EqualTo(new[] { "id", "from", "to", "messageText", "createdAt", "clientMessageId" }));
    }

    [Test]
    public async Task ClientMessageIdsThatAreNotShortVisibleStringsOrAreReusedAreRefused()
    {
        var r = await RunAsync("clientIds");
        var refused = r.GetProperty("refused");
        foreach (var (name, eventName) in new[] { ("tooLong", "sendMessage"), ("notString", "sendMessage"), ("empty", "sendMessage"), ("withSpace", "sendMessage"), ("privateTooLong", "sendPrivateMessage") })
        {
            var refusal = refused.GetProperty(name);
            Assert.That(refusal.GetProperty("ok").GetBoolean(), Is.False, name);
            Assert.That(refusal.GetProperty("error").GetString(), Is.EqualTo("clientMessageId must be a string of 1 to 64 visible ASCII characters (no spaces)"), name);
            Assert.That(refusal.GetProperty("event").GetString(), Is.EqualTo(eventName), name);
        }

        Assert.That(refused.GetProperty("reused").GetProperty("error").GetString(), Does.Contain("was already used for another message"));
        Assert.That(r.GetProperty("stored").GetProperty("sent twice").GetInt32(), Is.EqualTo(1), "the reused id stored nothing");
    }

    [Test]
    public async Task BadOrMissingTokenGetsTokenUnauthorizedThenServerDisconnect()
    {
        var r = await RunAsync("unauthorized");
        foreach (var client in r.EnumerateObject())
        {
            var events = client.Value.EnumerateArray().ToList();
            Assert.That(events, Has.Count.EqualTo(2), client.Name);
            Assert.That(events[0].GetProperty("event").GetString(), Is.EqualTo("receiveMessage"), client.Name);
            Assert.That(events[0].GetProperty("payload")[0].GetString(), Is.EqualTo("Token Unauthorized"), client.Name);
            Assert.That(events[1].GetProperty("event").GetString(), Is.EqualTo("disconnect"), client.Name);
            Assert.That(events[1].GetProperty("payload")[0].GetString(), Is.EqualTo("io server disconnect"), client.Name);
        }
    }

    [Test]
    public async Task PayloadsThatCrashedTheNodeServerAreAnsweredAndTheSocketStaysUp()
    {
        var r = await RunAsync("robustness");
        Assert.That(r.GetProperty("badType").GetProperty("ok").GetBoolean(), Is.False);
        Assert.That(r.GetProperty("notObject").GetProperty("ok").GetBoolean(), Is.False);
        Assert.That(r.GetProperty("after").GetProperty("ok").GetBoolean(), Is.True);
        Assert.That(r.GetProperty("connected").GetBoolean(), Is.True);
        Assert.That(r.GetProperty("errors").GetInt32(), Is.EqualTo(3), "joinRoom, sendMessage and getOnlineUsers without payload");
        Assert.That(r.GetProperty("recentAllCount").GetInt32(), Is.GreaterThanOrEqualTo(2), "count 0 means all (capped)");
    }
}
