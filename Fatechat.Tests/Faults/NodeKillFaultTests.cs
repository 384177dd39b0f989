using System.Text.Json;
using Fatechat.Tests.Cluster;

namespace Fatechat.Tests.Faults;

/// <summary>
/// Node B SIGKILLed during traffic and started again at once with its node id and address, as an orchestrator
/// restarts a container whose id compose pins: node A serves on, no acked message is missing from the table, a
/// client of B misses no live message once it is back in the room, and a client of B that does not come back (a
/// ghost of the dead process) leaves the online list within the presence TTL and a margin.
/// On the shared MariaDB and Redis (neither is stopped here) and a Kafka mock.
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(170_000)]
public sealed class NodeKillFaultTests : FaultFixture
{
    private const int PresenceTtlSeconds = 5;
    private static readonly TimeSpan GhostBound = TimeSpan.FromSeconds(2 * PresenceTtlSeconds + 5);
    private static readonly TimeSpan BackBound = TimeSpan.FromSeconds(30);
    private const long GapBoundMs = 5000;

    [Test]
    public async Task NodeAServesOnAndTheRestartedNodesClientsMissNothingOnceBack()
    {
        var (a, b) = await StartTwoNodesAsync(PresenceTtlSeconds);
        var ghost = (await UsersAsync(b, "ghost", 1))[0];
        var (traffic, watch, room) = await StartTrafficAsync(a, b, perNode: 4,
            more: [new TrafficClient("ghost", ghost.Mail, ghost.Token, b.BaseAddress.ToString(), Send: false, Reconnect: false)]);
        await RunFor(TimeSpan.FromSeconds(4));
        Assert.That(Users(await traffic.OnlineAsync("a0")), Does.Contain(ghost.Mail), "the ghost is online before the kill");

        var killed = StorageWatch.Now;
        b.Kill();
        Out.WriteLine($"killed node B (pid {b.Pid}) with SIGKILL");
        // Watched from the kill on, while node B starts again beside it.
        var ghostGone = WithinAsync(GhostBound, async () => !Users(await traffic.OnlineAsync("a0")).Contains(ghost.Mail));
        var restarted = await StartNodeAsync("cluster-b", b.Port);
        var serving = StorageWatch.Now;
        Out.WriteLine($"node B restarted with its id on port {b.Port}: serving {serving - killed} ms after the kill");
        var ghostGoneMs = await ghostGone;
        await RunFor(TimeSpan.FromSeconds(10));
        var report = await FinishAsync(traffic, room);

        var bClients = report.Traffic.Clients.Where(c => c.Name.StartsWith('b')).ToList();
        var backAfter = bClients.Select(c => c.Joins.Where(j => j.At > killed).Select(j => j.At - killed).DefaultIfEmpty(-1).Min()).ToList();
        var firstDelivery = bClients.Select(c => report.FirstDeliveryAfter(c.Name, c.Joins.Where(j => j.At > killed).Select(j => j.At).DefaultIfEmpty(long.MaxValue).Min())).ToList();
        var gapOnA = report.Traffic.Clients.Where(c => c.Name.StartsWith('a')).Max(c => report.LongestDeliveryGap(c.Name, killed, serving + 5000));
        var storageGap = watch.LongestGap(killed, serving + 10_000);
        Out.WriteLine($"B's clients back in the room {string.Join(", ", backAfter)} ms after the kill " +
            $"({bClients.Sum(c => c.Joins.Count(j => j.At > killed && j.Recovered))} of them recovered); first delivery after that: {string.Join(", ", firstDelivery.Select(d => d?.ToString() ?? "none"))} ms");
        Out.WriteLine($"longest delivery gap of A's clients across the kill and restart: {gapOnA} ms; longest storage gap: {storageGap} ms");
        Out.WriteLine($"the ghost left A's online list {ghostGoneMs?.ToString() ?? "NOT"} ms after the kill (polled every 200 ms) (presence TTL {PresenceTtlSeconds} s, bound {GhostBound.TotalSeconds} s)");

        report.AssertNothingLost();
        Assert.Multiple(() =>
        {
            Assert.That(backAfter, Has.All.InRange(0L, (long)BackBound.TotalMilliseconds), "every client of B back in the room on the restarted node");
            Assert.That(gapOnA, Is.LessThan(GapBoundMs), "node A's clients kept getting messages");
            Assert.That(ghostGoneMs, Is.Not.Null, $"the ghost left the online list within {GhostBound.TotalSeconds} s");
            Assert.That(a.HasExited || restarted.HasExited, Is.False, "both nodes up at the end");
        });
    }

    private static string[] Users(JsonElement online) =>
        online.TryGetProperty("users", out var users) && users.ValueKind == JsonValueKind.Array ? [.. users.EnumerateArray().Select(u => u.GetString()!)] : [];
}
