using System.Text.Json;
using Fatechat.Tests.Cluster;

namespace Fatechat.Tests.Faults;

/// <summary>
/// Redis killed mid-traffic and started again (empty, as a Redis without persistence comes back), under two nodes
/// on the shared MariaDB and a Kafka mock: messages keep being acked, delivered and stored; recent messages come
/// from the database meanwhile; both nodes' online lists are whole again once Redis is back. The Redis is the
/// fixture's own, so the shared one stays up for the tests beside it.
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(170_000)]
public sealed class RedisStopFaultTests : FaultFixture
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan PresenceBound = TimeSpan.FromSeconds(30);
    private const long GapBoundMs = 5000;

    private OwnRedis _redis = null!;

    [OneTimeSetUp]
    public async Task StartRedis() => _redis = await OwnRedis.StartAsync();

    [OneTimeTearDown]
    public void StopRedis() => _redis.Dispose();

    [Test]
    public async Task MessagesFlowAndAreStoredWhileRedisIsDownAndPresenceRecoversWhenItIsBack()
    {
        var (a, b) = await StartTwoNodesAsync(presenceTtlSeconds: 6, new ClusterBackends(MySqlServer: null, Redis: _redis.Connection));
        var (traffic, watch, room) = await StartTrafficAsync(a, b, perNode: 4);
        await RunFor(TimeSpan.FromSeconds(4));
        Assert.That(await watch.WaitUntilStoringAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)), Is.True, "storage runs before the fault");
        var before = await traffic.OnlineAsync("a0");
        var everyone = Users(before);
        Assert.That(everyone, Has.Length.EqualTo(8), $"all eight online before the fault: {before}");

        var down = StorageWatch.Now;
        _redis.Kill();
        Out.WriteLine($"killed redis-server (pid {_redis.Pid}) with SIGKILL");
        await RunFor(TimeSpan.FromSeconds(3));
        var recentDuring = new[] { await traffic.RecentAsync("a0"), await traffic.RecentAsync("b0") };
        var onlineDuring = new[] { await traffic.OnlineAsync("a0"), await traffic.OnlineAsync("b0") };
        await RunFor(Outage - TimeSpan.FromSeconds(3));

        await _redis.StartAgainAsync();
        var up = StorageWatch.Now;
        Out.WriteLine($"redis-server back (pid {_redis.Pid}, empty) {up - down} ms after the kill");
        var presenceBackAfter = await WithinAsync(PresenceBound, async () =>
            Users(await traffic.OnlineAsync("a0")).SequenceEqual(everyone) && Users(await traffic.OnlineAsync("b0")).SequenceEqual(everyone));
        await RunFor(TimeSpan.FromSeconds(3));
        var recentAfter = await traffic.RecentAsync("b0");
        var report = await FinishAsync(traffic, room);

        var sentDuring = report.Traffic.Sends.Where(s => s.Ok && s.SentAt > down + 500 && s.SentAt < up).Select(s => s.Id!).ToHashSet();
        var storageGap = watch.LongestGap(down, up);
        var deliveryGap = report.Traffic.Clients.Max(c => report.LongestDeliveryGap(c.Name, down, up));
        Out.WriteLine($"during the outage ({up - down} ms): {report.AckedBetween(down, up)} sends acked; longest storage gap {storageGap} ms, " +
            $"longest delivery gap of any client {deliveryGap} ms");
        foreach (var recent in recentDuring)
        {
            Out.WriteLine($"getRecentMessages during the outage: {recent.GetProperty("ids").GetArrayLength()} messages in {recent.GetProperty("ms")} ms, " +
                $"{recent.GetProperty("ids").EnumerateArray().Count(id => sentDuring.Contains(id.GetString()!))} of them sent during the outage");
        }

        Out.WriteLine($"getOnlineUsers during the outage: A {Users(onlineDuring[0]).Length}, B {Users(onlineDuring[1]).Length} users (each node's own view)");
        Out.WriteLine($"presence whole again on both nodes {presenceBackAfter?.ToString() ?? "NOT"} ms after Redis was back (bound {PresenceBound.TotalSeconds} s)");

        report.AssertNothingLost();
        Assert.Multiple(() =>
        {
            Assert.That(report.Acked, Is.EqualTo(report.Sends), "every send acked, during the outage too");
            Assert.That(report.AckedBetween(down + 1000, up), Is.GreaterThan(0), "sends acked while Redis was down");
            Assert.That(storageGap, Is.LessThan(GapBoundMs), "storage kept going while Redis was down");
            Assert.That(deliveryGap, Is.LessThan(GapBoundMs), "delivery kept going while Redis was down");
            foreach (var recent in recentDuring)
            {
                Assert.That(recent.TryGetProperty("error", out _), Is.False, recent.ToString());
                Assert.That(recent.GetProperty("ids").EnumerateArray().Any(id => sentDuring.Contains(id.GetString()!)), Is.True,
                    "recent messages during the outage hold ones sent during it: the database answered");
            }

            Assert.That(recentAfter.GetProperty("ids").GetArrayLength(), Is.EqualTo(100), "recent messages after Redis returned");
            Assert.That(presenceBackAfter, Is.Not.Null, $"both online lists whole within {PresenceBound.TotalSeconds} s of Redis returning");
            Assert.That(a.HasExited || b.HasExited, Is.False, "both nodes still up");
        });
    }

    private static string[] Users(JsonElement online) =>
        online.TryGetProperty("users", out var users) && users.ValueKind == JsonValueKind.Array
            ? [.. users.EnumerateArray().Select(u => u.GetString()!).Order(StringComparer.Ordinal)]
            : [];
}
