using System.Text.Json;
using Fatechat.Tests.Interop;
using Fatechat.Tests.Realtime;

namespace Fatechat.Tests.Cluster;

/// <summary>
/// Connection state recovery across two Fatechat.Server processes on MariaDB, Redis and the Kafka mock: Alice's
/// client (npm socket.io-client 4.8.4, through a relay that plays the balancer) drops and comes back on Bob's node
/// — with her first node still up, and after it was SIGKILLed — and gets her id and every missed message, once, in order.
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(240_000)]
public sealed class RecoveryAcrossNodesTests : ClusterFixture
{
    [Test]
    public async Task AClientBackOnTheOtherNodeIsRecovered()
    {
        var (nodeA, _, script) = await StartAsync("other");
        // Both nodes run on every real backend here: each one answers /ready for all three.
        var ready = await nodeA.GetAsync("/ready", token: "");
        Assert.That(ready.GetProperty("checks").EnumerateObject().Select(c => $"{c.Name}={c.Value.GetString()}"),
            Is.EquivalentTo(new[] { "node=ok", "storage=ok", "redis=ok", "kafka=ok" }), ready.ToString());
        RecoveryTests.AssertRecovered(await DoneAsync(script));
        Assert.That(nodeA.HasExited, Is.False);
    }

    [Test]
    public async Task AClientWhoseNodeWasKilledIsRecoveredOnTheOtherNode()
    {
        var (nodeA, _, script) = await StartAsync("stdin");
        var ready = await script.WaitForLineAsync(IsPhase, "the ready phase", TimeSpan.FromSeconds(90));
        Assert.That(ready, Does.Contain("\"ready\""), ready + "\n" + script.Output());
        nodeA.Kill();
        TestContext.Out.WriteLine($"killed node A (pid {nodeA.Pid}) with SIGKILL");
        script.WriteLine("node A killed");
        RecoveryTests.AssertRecovered(await DoneAsync(script));
    }

    private async Task<(FatechatNode A, FatechatNode B, ClusterProcess Script)> StartAsync(string then)
    {
        var (nodeA, nodeB) = await StartTwoNodesAsync(presenceTtlSeconds: 3);
        var alice = $"alice-{Guid.NewGuid():N}@example.test";
        var bob = $"bob-{Guid.NewGuid():N}@example.test";
        var aliceToken = await nodeA.RegisterAsync(alice);
        var bobToken = await nodeB.RegisterAsync(bob);
        var room = $"recovery-{Guid.NewGuid():N}"[..30];
        await nodeA.CreateRoomAsync(aliceToken, room);

        var script = ClusterProcess.Start("recovery.mjs", "node",
            [Path.Combine(InteropPaths.RepoRoot, "Fatechat.Tests", "Realtime", "node", "recovery.mjs"),
             nodeA.BaseAddress.ToString().TrimEnd('/'), nodeB.BaseAddress.ToString().TrimEnd('/'), room, alice, aliceToken, bob, bobToken, then],
            InteropPaths.RepoRoot);
        Started(script);
        return (nodeA, nodeB, script);
    }

    private static async Task<JsonElement> DoneAsync(ClusterProcess script)
    {
        var line = await script.WaitForLineAsync(l => IsPhase(l) && !l.Contains("\"ready\""), "the done phase", TimeSpan.FromSeconds(90));
        var done = JsonDocument.Parse(line).RootElement.Clone();
        Assert.That(done.GetProperty("phase").GetString(), Is.EqualTo("done"), line + "\n" + script.Output());
        return done;
    }

}
