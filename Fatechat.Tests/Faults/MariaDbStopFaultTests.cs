using Fatechat.Tests.Cluster;

namespace Fatechat.Tests.Faults;

/// <summary>
/// MariaDB killed mid-traffic and started again on its data (InnoDB recovers what was committed), under two nodes
/// on the shared Redis and a Kafka mock: live delivery goes on, sends are still acked, and once the database is
/// back the persistence group stores the backlog from Kafka, each acked message once. The MariaDB is the fixture's
/// own (installed into a temporary folder), so the shared one stays up for the tests beside it.
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(170_000)]
public sealed class MariaDbStopFaultTests : FaultFixture
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ResumeBound = TimeSpan.FromSeconds(30);
    private const long DeliveryGapBoundMs = 5000;

    private OwnMariaDb _mariaDb = null!;

    [OneTimeSetUp]
    public async Task StartMariaDb() => _mariaDb = await OwnMariaDb.StartAsync();

    [OneTimeTearDown]
    public void StopMariaDb() => _mariaDb.Dispose();

    [Test]
    public async Task DeliveryGoesOnWhileMariaDbIsDownAndStorageCatchesUpFromKafkaWhenItIsBack()
    {
        var (a, b) = await StartTwoNodesAsync(presenceTtlSeconds: 6, new ClusterBackends(MySqlServer: _mariaDb.ServerConnection, Redis: null));
        var (traffic, watch, room) = await StartTrafficAsync(a, b, perNode: 4);
        await RunFor(TimeSpan.FromSeconds(4));

        var down = StorageWatch.Now;
        var storedBefore = watch.Count;
        _mariaDb.Kill();
        Out.WriteLine($"killed mariadbd (pid {_mariaDb.Pid}) with SIGKILL; {storedBefore} rows stored by then");
        await RunFor(Outage);
        await _mariaDb.StartAgainAsync();
        var up = StorageWatch.Now;
        Out.WriteLine($"mariadbd back (pid {_mariaDb.Pid}) {up - down} ms after the kill");

        var resumedAfter = await WithinAsync(ResumeBound, () => Task.FromResult(watch.FirstGrowthAfter(up) is not null));
        await RunFor(TimeSpan.FromSeconds(5));
        var report = await FinishAsync(traffic, room);

        var ackedBeforeUp = report.Traffic.Sends.Count(s => s.Ok && s.SentAt < up);
        var backlogStoredAt = watch.ReachedAt(ackedBeforeUp);
        var deliveryGap = report.Traffic.Clients.Max(c => report.LongestDeliveryGap(c.Name, down, up));
        Out.WriteLine($"during the outage ({up - down} ms): {report.AckedBetween(down, up)} sends acked; longest delivery gap of any client {deliveryGap} ms; " +
            $"rows stored meanwhile: {watch.Growth().Count(t => t > down && t < up)} growths seen");
        Out.WriteLine($"storage resumed {watch.FirstGrowthAfter(up)?.ToString() ?? "NOT"} ms after MariaDB answered; the {ackedBeforeUp} messages acked " +
            $"before then were all stored {(backlogStoredAt is { } at ? $"{at - up} ms" : "NOT")} after it (poll every 100 ms)");

        report.AssertNothingLost();
        Assert.Multiple(() =>
        {
            Assert.That(report.Acked, Is.EqualTo(report.Sends), "every send acked, during the outage too");
            Assert.That(report.AckedBetween(down + 1000, up), Is.GreaterThan(0), "sends acked while MariaDB was down");
            Assert.That(deliveryGap, Is.LessThan(DeliveryGapBoundMs), "live delivery kept going while MariaDB was down");
            Assert.That(resumedAfter, Is.Not.Null, $"storage resumed within {ResumeBound.TotalSeconds} s of MariaDB returning");
            Assert.That(a.HasExited || b.HasExited, Is.False, "both nodes still up");
        });
    }
}
