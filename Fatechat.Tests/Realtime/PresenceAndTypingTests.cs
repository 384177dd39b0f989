using System.Globalization;
using System.Text.Json;
using Fatechat.Tests.Interop;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Realtime;

/// <summary>
/// What a chat UI needs beyond messages, through the real npm socket.io-client against the real server: a client
/// back within the reconnect grace period was never gone (no leave, no second join or welcome, nothing stored),
/// and typing indicators reach the rest of the room but are never stored.
/// </summary>
[TestFixture]
public sealed class PresenceAndTypingTests
{
    private const int GraceMs = 1500;
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(60);

    private FatechatTestServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() =>
        _server = await FatechatTestServer.StartAsync($"--Fatechat:Chat:ReconnectGraceMs={GraceMs}");

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    private Task<JsonElement> RunAsync(string scenario) => NodeScript.RunAsync(ScenarioTimeout, "../../Realtime/node/chat-scenarios.mjs",
        _server.BaseAddress.ToString().TrimEnd('/'), scenario, GraceMs.ToString(CultureInfo.InvariantCulture));

    [Test]
    public async Task AReloadWithinTheGracePeriodIsNeitherALeaveNorAJoin()
    {
        var r = await RunAsync("reconnect");
        var alice = r.GetProperty("alice").GetString();
        var bob = r.GetProperty("bob").GetString();

        Assert.That(r.GetProperty("sawLeaveDuringReload").GetBoolean(), Is.False, "no leave during the reload");
        Assert.That(r.GetProperty("joinsHeard").GetInt32(), Is.EqualTo(1), "one join, before the reload");
        Assert.That(r.GetProperty("welcomesAfterReload").GetInt32(), Is.Zero, "no second welcome");
        Assert.That(r.GetProperty("onlineAtReconnect").GetProperty("users").EnumerateArray().Select(u => u.GetString()),
            Is.EquivalentTo(new[] { alice, bob }), "the reconnected client gets the online list");
        Assert.That(r.GetProperty("leftAfterMs").GetInt32(), Is.GreaterThanOrEqualTo(GraceMs - 100), "the leave waits for the grace period");
        Assert.That(r.GetProperty("history").EnumerateArray().Select(m => m.GetString()),
            Is.EqualTo(new[] { $"{bob} joined the room", $"{alice} joined the room", $"{alice} left the room" }),
            "one join and one leave stored for the whole visit");
    }

    [Test]
    public async Task TypingReachesTheRestOfTheRoomAndIsNeverStored()
    {
        var r = await RunAsync("typing");
        var alice = r.GetProperty("alice").GetString();
        var room = r.GetProperty("room").GetString();

        Assert.That(r.GetProperty("ack").GetProperty("ok").GetBoolean(), Is.True);
        Assert.That(r.GetProperty("typing").GetProperty("userMail").GetString(), Is.EqualTo(alice));
        Assert.That(r.GetProperty("typing").GetProperty("roomName").GetString(), Is.EqualTo(room));
        Assert.That(r.GetProperty("stopped").GetProperty("userMail").GetString(), Is.EqualTo(alice));
        Assert.That(r.GetProperty("refused").GetProperty("ok").GetBoolean(), Is.False, "only members may type in a room");
        Assert.That(r.GetProperty("ownTabsHeard").GetBoolean(), Is.False, "the typist's own tabs are left out");
        Assert.That(r.GetProperty("history").EnumerateArray().Select(m => m.GetString()), Has.None.Contains("typ"));
    }
}
