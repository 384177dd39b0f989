using System.Net.Http.Json;
using System.Text.Json;
using Fatechat.Tests.Cluster;
using Fatechat.Tests.Interop;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Realtime;

/// <summary>
/// Connection state recovery on one node (embedded adapters) with the real socket.io-client 4.8.4 reconnecting by
/// itself through a relay (Realtime/node/recovery.mjs): back within the window it keeps its socket id and gets
/// every message it missed, once, in order, before anything live; back after the window it starts afresh.
/// </summary>
[TestFixture]
public sealed class RecoveryTests
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(90);

    [Test]
    public async Task ABriefDropIsRecoveredWithEveryMissedMessageOnceInOrder()
    {
        // The shipped grace: back within it, the room never hears her leave.
        await using var server = await FatechatTestServer.StartAsync("--Fatechat:Chat:ReconnectGraceMs=5000");
        var done = await RunAsync(server, "same");
        AssertRecovered(done);
    }

    [Test]
    public async Task ASecondRecoveryReplaysOnlyWhatTheSecondDropMissed()
    {
        await using var server = await FatechatTestServer.StartAsync("--Fatechat:Chat:ReconnectGraceMs=5000");
        var done = await RunAsync(server, "twice");
        var connects = done.GetProperty("connects");
        Assert.That(connects.GetArrayLength(), Is.EqualTo(3));
        Assert.That(connects[2].GetProperty("recovered").GetBoolean(), Is.True);
        Assert.That(connects[2].GetProperty("id").GetString(), Is.EqualTo(connects[0].GetProperty("id").GetString()));
        var texts = Texts(done);
        int first = texts.IndexOf("missed 1");
        Assert.That(texts.Skip(first).ToArray(),
            Is.EqualTo(new[] { "missed 1", "missed 2", "missed 3", "missed privately", "after", "missed again", "after again" }),
            "nothing from the first gap again");
    }

    [Test]
    public async Task BackAfterTheWindowTheClientStartsAfresh()
    {
        await using var server = await FatechatTestServer.StartAsync("--Fatechat:SocketIO:MaxDisconnectionDurationMs=1000");
        var done = await RunAsync(server, "wait:2000");
        var connects = done.GetProperty("connects");
        Assert.That(connects[1].GetProperty("recovered").GetBoolean(), Is.False);
        Assert.That(connects[1].GetProperty("id").GetString(), Is.Not.EqualTo(connects[0].GetProperty("id").GetString()));
        Assert.That(Texts(done), Does.Not.Contain("missed 1"), "nothing replayed: the client reloads history itself");
        Assert.That(Texts(done).Count(t => t == "after"), Is.EqualTo(1));
    }

    /// <summary>What every recovery must show: same id, the missed messages once, in order, before the live one.</summary>
    internal static void AssertRecovered(JsonElement done)
    {
        var connects = done.GetProperty("connects");
        Assert.That(connects.GetArrayLength(), Is.EqualTo(2));
        Assert.That(connects[1].GetProperty("recovered").GetBoolean(), Is.True, "socket.recovered");
        Assert.That(connects[1].GetProperty("id").GetString(), Is.EqualTo(connects[0].GetProperty("id").GetString()), "the same socket id");

        var texts = Texts(done);
        int first = texts.IndexOf("missed 1");
        Assert.That(first, Is.GreaterThan(0), string.Join(" | ", texts));
        Assert.That(texts.Skip(first).ToArray(), Is.EqualTo(new[] { "missed 1", "missed 2", "missed 3", "missed privately", "after" }),
            "each missed message once, in order, then the live one");
        var ids = done.GetProperty("got").EnumerateArray().Select(m => m.TryGetProperty("id", out var id) ? id.GetString() : null).Where(id => id is not null).ToList();
        Assert.That(ids, Is.Unique, "nothing twice");
        var missed = done.GetProperty("missed").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.That(missed, Is.SubsetOf(ids));
        foreach (var message in done.GetProperty("got").EnumerateArray())
        {
            Assert.That(message.GetProperty("offset").ValueKind, Is.EqualTo(JsonValueKind.String), $"an offset on {message}");
        }
    }

    private static List<string> Texts(JsonElement done) =>
        done.GetProperty("got").EnumerateArray().Select(m => m.GetProperty("text").GetString()!).ToList();

    private static async Task<JsonElement> RunAsync(FatechatTestServer server, string then)
    {
        await InteropPaths.EnsureNodeModulesAsync().WaitAsync(TimeSpan.FromMinutes(6));
        var (alice, aliceToken) = await server.RegisterAsync("alice");
        var (bob, bobToken) = await server.RegisterAsync("bob");
        var room = $"recovery-{Guid.NewGuid():N}"[..24];
        using (var create = server.Request(HttpMethod.Post, "/api/chat", aliceToken, new { name = room }))
        using (var response = await server.Client.SendAsync(create))
        {
            response.EnsureSuccessStatusCode();
        }

        string url = server.BaseAddress.ToString().TrimEnd('/');
        using var script = ClusterProcess.Start("recovery.mjs", "node",
            [Path.Combine(InteropPaths.RepoRoot, "Fatechat.Tests", "Realtime", "node", "recovery.mjs"), url, url, room, alice, aliceToken, bob, bobToken, then],
            InteropPaths.RepoRoot);
        string line = await script.WaitForLineAsync(l => l.StartsWith("{\"phase\":", StringComparison.Ordinal), "the scenario's result", ScenarioTimeout);
        var result = JsonDocument.Parse(line).RootElement.Clone();
        Assert.That(result.GetProperty("phase").GetString(), Is.EqualTo("done"), line + "\n" + script.Output());
        return result;
    }
}
