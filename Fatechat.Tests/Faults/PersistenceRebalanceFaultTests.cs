namespace Fatechat.Tests.Faults;

/// <summary>
/// Members joining and leaving the persistence group while traffic runs: a third node C (no clients of its own)
/// starts, stops with SIGTERM, starts again and is SIGKILLed, each step given time to settle. The room's stored
/// count is polled every 100 ms throughout; the longest time without a new row after each step is the storage
/// stall that step caused (the baseline, with steady traffic of ~32 messages a second, is a few hundred ms).
/// On the shared MariaDB and Redis and a Kafka mock, with the fixture's 6 s session timeout.
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(175_000)]
public sealed class PersistenceRebalanceFaultTests : FaultFixture
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    /// <summary>A join or a graceful leave needs one rebalance; a kill also waits out the 6 s session timeout.</summary>
    private const long RebalanceBoundMs = 8000;
    // The dead member's session (6 s here), then the rebalance: cooperative assignment takes two rounds, and the
    // mock coordinator lets each wait up to the session timeout less 1 s for members to rejoin (a broker ends a
    // round as soon as every member has), plus 2 s of slack.
    private const long KillBoundMs = 6000 + 2 * 5000 + 2000;

    [Test]
    public async Task JoinsAndLeavesOfTheGroupStallStorageNoLongerThanARebalance()
    {
        var (a, b) = await StartTwoNodesAsync(presenceTtlSeconds: 6);
        var (traffic, watch, room) = await StartTrafficAsync(a, b, perNode: 4);
        await RunFor(TimeSpan.FromSeconds(4));
        var steps = new List<(string Step, long At)> { ("steady traffic", StorageWatch.Now) };
        await RunFor(TimeSpan.FromSeconds(4));

        steps.Add(("node C joins", StorageWatch.Now));
        var c = await StartNodeAsync("cluster-c");
        await RunFor(Settle);

        steps.Add(("node C leaves (SIGTERM)", StorageWatch.Now));
        c.Terminate();
        Assert.That(await c.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)), Is.True, "node C exits after SIGTERM");
        await RunFor(Settle);

        steps.Add(("node C joins again", StorageWatch.Now));
        var again = await StartNodeAsync("cluster-c");
        await RunFor(Settle);

        steps.Add(("node C SIGKILLed", StorageWatch.Now));
        again.Kill();
        await RunFor(Settle + TimeSpan.FromSeconds(4));
        steps.Add(("end", StorageWatch.Now));
        var report = await FinishAsync(traffic, room);

        var gaps = steps.Zip(steps.Skip(1), (step, next) => (step.Step, Gap: watch.LongestGap(step.At, next.At), Ms: next.At - step.At)).ToList();
        foreach (var (step, gap, ms) in gaps)
        {
            Out.WriteLine($"{step}: longest storage gap {gap} ms in the {ms} ms that followed");
        }

        report.AssertNothingLost();
        Assert.Multiple(() =>
        {
            Assert.That(gaps.Where(g => g.Step is not "node C SIGKILLed" and not "steady traffic").Select(g => g.Gap), Has.All.LessThan(RebalanceBoundMs),
                "a join or a graceful leave stalls storage for one rebalance at most");
            Assert.That(gaps.Single(g => g.Step == "node C SIGKILLed").Gap, Is.LessThan(KillBoundMs), "a killed member stalls storage for its session timeout and a rebalance at most");
            Assert.That(a.HasExited || b.HasExited, Is.False, "nodes A and B still up");
        });
    }
}
