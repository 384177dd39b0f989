using System.Text.Json;
using Fatechat.Tests.Interop;
using Fatechat.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Fatechat.Tests.Realtime;

/// <summary>
/// Access on the socket side, through the real npm socket.io-client (Realtime/node/access.mjs): every forged token
/// shape is refused at the handshake on both doors and logged with its reason and the client's address, and one
/// socket's flood is rate limited without touching another socket's messages.
/// </summary>
[TestFixture]
public sealed class SocketAccessTests
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(90);

    private readonly CapturedLogs _logs = new(LogLevel.Information);
    private FatechatTestServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await FatechatTestServer.StartAsync(_logs,
        "--Logging:LogLevel:Fatechat.Server=Information",
        // The shipped defaults, which the test server otherwise turns off.
        "--Fatechat:RateLimits:SocketMessages:PerSecond=5",
        "--Fatechat:RateLimits:SocketOtherEvents:PerSecond=10");

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    private Task<JsonElement> RunAsync(params string[] args) =>
        NodeScript.RunAsync(ScenarioTimeout, "../../Realtime/node/access.mjs", _server.BaseAddress.ToString().TrimEnd('/'), args);

    [Test]
    public async Task EveryForgedTokenShapeIsRefusedOnBothDoorsAndLoggedWithReasonAndAddress()
    {
        var (email, token) = await _server.RegisterAsync("sockets");
        var forged = ForgedTokens.For(TestTokens.UserIdOf(token), email);
        var tokens = forged.ToDictionary(p => p.Key, p => p.Value.Token);
        tokens["valid"] = token;
        _logs.Clear();

        var r = await RunAsync("tokens", JsonSerializer.Serialize(tokens));

        foreach (var door in new[] { "websocketAuth", "pollingHeader" })
        {
            var valid = r.GetProperty("valid").GetProperty(door);
            Assert.That(valid.GetProperty("outcome").GetString(), Is.EqualTo("served"), $"the real token over {door}");
            Assert.That(valid.GetProperty("unauthorized").GetBoolean(), Is.False, door);
            foreach (var name in forged.Keys)
            {
                var outcome = r.GetProperty(name).GetProperty(door);
                Assert.That(outcome.GetProperty("unauthorized").GetBoolean(), Is.True, $"{name} over {door} gets Token Unauthorized");
                Assert.That(outcome.GetProperty("outcome").GetString(), Is.EqualTo("refused"), $"{name} over {door} is disconnected");
            }
        }

        var refusals = _logs.Entries.Where(e => e.Level == LogLevel.Information && e.Message.Contains(" refused: ")).ToList();
        Assert.That(refusals, Has.Count.EqualTo(forged.Count * 2), "one line per refused socket:\n" + string.Join('\n', refusals));
        foreach (var (name, (_, reason)) in forged)
        {
            Assert.That(refusals.Count(e => e.Message.EndsWith("refused: " + reason)), Is.GreaterThanOrEqualTo(2),
                $"{name}: the reason '{reason}' is logged for both doors:\n" + string.Join('\n', refusals));
        }

        Assert.That(refusals, Has.All.Matches<CapturedLogs.Entry>(e => e.Message.Contains("from 127.0.0.1 refused")), "the client address");
        var tokenSignatures = tokens.Values.Select(t => t[(t.LastIndexOf('.') + 1)..]).Where(s => s.Length > 0);
        Assert.That(_logs.Entries.Where(e => tokenSignatures.Any(e.Message.Contains)), Is.Empty, "no token in the log");
    }

    /// <summary>
    /// The address in the log is the client's: behind a trusted proxy (127.0.0.1 here) the one it forwarded, on both
    /// doors (the WebSocket one reads the request below the HTTP pipeline); from an untrusted peer, the peer's own,
    /// whatever its X-Forwarded-For says.
    /// </summary>
    [Test]
    public async Task RefusedSocketsAreLoggedWithTheForwardedAddressOnlyBehindATrustedProxy()
    {
        var (email, token) = await _server.RegisterAsync("proxied");
        var tokens = JsonSerializer.Serialize(new Dictionary<string, string> { ["expired"] = ForgedTokens.For(TestTokens.UserIdOf(token), email)["expired"].Token });

        var proxiedLogs = new CapturedLogs(LogLevel.Information);
        await using (var proxied = await FatechatTestServer.StartAsync(proxiedLogs, "--Logging:LogLevel:Fatechat.Server=Information",
            "--Fatechat:Server:TrustedProxies=127.0.0.1"))
        {
            await NodeScript.RunAsync(ScenarioTimeout, "../../Realtime/node/access.mjs", proxied.BaseAddress.ToString().TrimEnd('/'), "tokens", tokens, "192.0.2.1, 203.0.113.7");
        }

        var behindProxy = proxiedLogs.Entries.Where(e => e.Message.Contains(" refused: ")).Select(e => e.Message).ToList();
        Assert.That(behindProxy, Has.Count.EqualTo(2).And.All.Contains("from 203.0.113.7 refused"), "the rightmost forwarded address, on both doors");

        _logs.Clear();
        await RunAsync("tokens", tokens, "203.0.113.7");
        var direct = _logs.Entries.Where(e => e.Message.Contains(" refused: ")).Select(e => e.Message).ToList();
        Assert.That(direct, Has.Count.EqualTo(2).And.All.Contains("from 127.0.0.1 refused"), "no proxy trusted: the header is not read");
    }

    /// <summary>
    /// 1,000 acked sends in a burst, with the shipped limit (5 a second, bursts of 10): about a burst is accepted,
    /// every other send is answered with the rate-limit refusal and neither delivered nor stored, the online list
    /// asked for after the flood is answered at once, the socket stays up, and the other user in the room chats on.
    /// </summary>
    [Test]
    public async Task AFloodIsRefusedPerSocketWithoutHoldingItsLaterEventsOrOtherSockets()
    {
        _logs.Clear();
        var r = await RunAsync("flood", "1000");

        var accepted = r.GetProperty("accepted").GetInt32();
        Assert.That(accepted, Is.InRange(10, 20), "the burst, and what refilled while the flood arrived");
        Assert.That(r.GetProperty("refused").GetInt32(), Is.EqualTo(1000 - accepted), "every send is answered");
        var kinds = r.GetProperty("refusalKinds").EnumerateArray().ToList();
        Assert.That(kinds, Has.Count.EqualTo(1), "one refusal shape");
        Assert.That(HttpAssert.PropertyNames(kinds[0]), Is.EqualTo(new[] { "ok", "error", "event" }), "the shape of every other refused event");
        Assert.That(kinds[0].GetProperty("error").GetString(), Does.StartWith("Too many messages: at most 5 a second (bursts of 10)"));
        Assert.That(kinds[0].GetProperty("event").GetString(), Is.EqualTo("sendMessage"));

        Assert.That(r.GetProperty("online").GetProperty("users").GetArrayLength(), Is.EqualTo(2), "the event after the flood was served");
        Assert.That(r.GetProperty("onlineAfterMs").GetInt32(), Is.LessThan(5000), "and not held behind the flood");
        Assert.That(r.GetProperty("aliceConnected").GetBoolean(), Is.True, "refused, not disconnected");
        Assert.That(r.GetProperty("bobSent").GetProperty("ok").GetBoolean(), Is.True, "the bystander's send during the flood");
        Assert.That(r.GetProperty("bobLater").GetProperty("ok").GetBoolean(), Is.True, "the bystander's send during the second flood");

        var errorEvents = r.GetProperty("errorEvents").EnumerateArray().ToList();
        // Once per run of refusals; a token that refills while the 50 events arrive ends a run and starts another.
        Assert.That(errorEvents, Has.Count.InRange(1, 3), "a flood without acks is told when it starts, not echoed event for event");
        Assert.That(errorEvents[0].GetProperty("event").GetString(), Is.EqualTo("sendMessage"));
        Assert.That(r.GetProperty("afterPause").GetProperty("ok").GetBoolean(), Is.True, "the bucket refills");

        var delivered = r.GetProperty("atBobFromAlice").EnumerateArray().Select(e => e.GetString()).ToList();
        var stored = r.GetProperty("storedFromAlice").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.That(delivered.Count(m => m!.StartsWith("flood ")), Is.EqualTo(accepted), "only accepted sends are delivered");
        Assert.That(stored, Is.EquivalentTo(delivered), "and stored: nothing refused was published");
        Assert.That(delivered.Count(m => m!.StartsWith("unacked ")), Is.InRange(1, 12), "the refilled tokens let a few unacked sends through");

        var socketId = r.GetProperty("aliceSocketId").GetString()!;
        var limited = _logs.Entries.Where(e => e.Message.Contains($"Socket {socketId} ") && e.Message.Contains("over its messages rate")).ToList();
        Assert.That(limited, Has.Count.InRange(1, 3), "logged when the flood starts, then at most every 10 s:\n" + string.Join('\n', limited));
        Assert.That(limited[0].Message, Does.Contain("from 127.0.0.1"));
    }
}
