using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Fatechat.Tests.Cluster;
using Fatechat.Tests.Interop;
using Fatechat.Tests.Support;
using MySqlConnector;

namespace Fatechat.Tests.Faults;

/// <summary>
/// The Kafka cluster gone while two nodes carry acked traffic: the mock cluster's process is frozen (SIGSTOP: every
/// broker stops answering, as in a network partition) for a few seconds, then resumed. What must hold: sends and
/// joins are answered with an error within the send timeout, a socket's other events are not held behind them, the
/// nodes stay up and say they are not ready, the log says it a few times (not per send), and once Kafka is back
/// every send acked ok is stored once and delivered to both nodes' clients.
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(240_000)]
public sealed class KafkaOutageTests : ClusterFixture
{
    private const int SendTimeoutMs = 3_000;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    [Test]
    public async Task SendsAreRefusedWithinTheTimeoutWhileKafkaIsGoneAndNothingAckedIsLost()
    {
        var (nodeA, nodeB) = await StartTwoNodesAsync(presenceTtlSeconds: 5, settings: new Dictionary<string, string?>
        {
            ["FATECHAT__Kafka__SendTimeoutMs"] = $"{SendTimeoutMs}",
            // Warnings and up, as an operator sees them: what the outage writes to the log is counted below.
            ["Logging__LogLevel__Default"] = "Warning",
        });
        var alice = $"alice-{Guid.NewGuid():N}@example.test";
        var bob = $"bob-{Guid.NewGuid():N}@example.test";
        var aliceToken = await nodeA.RegisterAsync(alice);
        var bobToken = await nodeB.RegisterAsync(bob);
        var room = $"outage-{Guid.NewGuid():N}"[..30];
        var otherRoom = $"outage2-{Guid.NewGuid():N}"[..30];
        await nodeA.CreateRoomAsync(aliceToken, room);
        await nodeA.CreateRoomAsync(aliceToken, otherRoom);

        using var clients = ClusterProcess.Start("kafka-outage.mjs", "node",
            [Path.Combine(InteropPaths.RepoRoot, "Fatechat.Tests", "Faults", "node", "kafka-outage.mjs"),
             nodeA.BaseAddress.ToString(), nodeB.BaseAddress.ToString(), room, otherRoom, alice, aliceToken, bob, bobToken],
            InteropPaths.RepoRoot);
        Started(clients);
        Phase(await clients.WaitForLineAsync(IsPhaseOrError("steady"), "the steady phase", TimeSpan.FromSeconds(60)), "steady", clients);

        var logLinesBefore = nodeA.LogLines + nodeB.LogLines;
        PosixSignals.Send(Kafka.ProcessId, PosixSignals.Stop);
        var stoppedAt = Stopwatch.StartNew();
        TestContext.Out.WriteLine($"Kafka mock (pid {Kafka.ProcessId}) stopped with SIGSTOP");
        try
        {
            clients.WriteLine("kafka gone");
            var outage = Phase(await clients.WaitForLineAsync(IsPhaseOrError("outage"), "the outage phase", TimeSpan.FromSeconds(60)), "outage", clients);
            TestContext.Out.WriteLine($"while Kafka was gone: {outage}");
            var notReady = await WaitUntilNotReadyAsync(nodeA);
            TestContext.Out.WriteLine($"node A's /ready while Kafka was gone: {notReady}");

            var bound = SendTimeoutMs + 2_000;
            Assert.Multiple(() =>
            {
                Assert.That(outage.GetProperty("errorAck").GetProperty("answeredMs").GetInt32(), Is.LessThanOrEqualTo(bound),
                    "a send is answered within the send timeout");
                Assert.That(outage.GetProperty("errorAck").GetProperty("error").GetString(), Does.Contain("unavailable"));
                Assert.That(outage.GetProperty("waitingSends").GetInt32(), Is.GreaterThan(0), "sends were waiting for the brokers meanwhile");
                Assert.That(outage.GetProperty("onlineAnsweredMs").GetInt32(), Is.LessThan(1_500),
                    "getOnlineUsers is not held behind the socket's waiting sends");
                Assert.That(outage.GetProperty("joinAnsweredMs").GetInt32(), Is.LessThanOrEqualTo(bound), "a join is answered within the send timeout");
                Assert.That(outage.GetProperty("join").GetProperty("error").GetString(), Does.Contain("unavailable"), outage.GetProperty("join").ToString());
                Assert.That(notReady, Does.Contain("\"kafka\":").And.Not.Contain("\"kafka\":\"ok\""));
            });

            var rest = Outage - stoppedAt.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }
        }
        finally
        {
            PosixSignals.Send(Kafka.ProcessId, PosixSignals.Continue);
        }

        var outageLasted = stoppedAt.Elapsed;
        TestContext.Out.WriteLine($"Kafka mock resumed after {outageLasted.TotalSeconds:0.0} s");
        Assert.That(nodeA.HasExited || nodeB.HasExited, Is.False, "both nodes stayed up");
        var outageLogLines = nodeA.LogLines + nodeB.LogLines - logLinesBefore;

        clients.WriteLine("kafka back");
        var done = Phase(await clients.WaitForLineAsync(IsPhaseOrError("done"), "the done phase", TimeSpan.FromSeconds(120)), "done", clients);
        var sends = done.GetProperty("sends").EnumerateArray().ToList();
        var acked = sends.Where(s => s.GetProperty("ok").GetBoolean()).ToList();
        var refused = sends.Where(s => !s.GetProperty("ok").GetBoolean()).ToList();
        TestContext.Out.WriteLine(
            $"sends: {sends.Count}, acked ok: {acked.Count}, refused: {refused.Count} (slowest answer {sends.Max(s => s.GetProperty("answeredMs").GetInt32())} ms); " +
            $"ok again {done.GetProperty("recoveredAfterMs")} ms after Kafka was back; " +
            $"log lines of both nodes during the outage: {outageLogLines}");
        Assert.That(refused.Select(s => s.GetProperty("error").GetString()), Is.Not.Empty.And.All.Contain("unavailable"),
            "every send not acked ok was refused with the bus error, none left without an answer");

        var stored = await WaitForStoredAsync(room, acked.Select(s => s.GetProperty("id").GetString()!).ToList());
        var storedAcked = acked.Count(s => stored.ContainsKey(s.GetProperty("id").GetString()!));
        var storedRefused = refused.Count(s => stored.Values.Contains(s.GetProperty("clientMessageId").GetString()!));
        TestContext.Out.WriteLine($"stored: {storedAcked} of {acked.Count} acked sends, {storedRefused} of {refused.Count} refused ones " +
                                  "(a send that timed out may still have reached the brokers), each at most once");
        Assert.Multiple(() =>
        {
            Assert.That(storedAcked, Is.EqualTo(acked.Count), $"every acked send is stored\n--- node A ---\n{nodeA.Output()}\n--- node B ---\n{nodeB.Output()}");
            Assert.That(stored.Values.GroupBy(t => t).Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty, "no send stored twice");
            Assert.That(Strings(done.GetProperty("missingAtAlice")), Is.Empty, "every acked message reached Alice (node A)");
            Assert.That(Strings(done.GetProperty("missingAtBob")), Is.Empty, "every acked message reached Bob (node B)");
            Assert.That(outageLogLines, Is.LessThanOrEqualTo(40), "the outage is logged a few times, not per send\n" + nodeA.Output());
        });

        using var ready = await nodeA.Http.GetAsync("/ready");
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK), "ready again once Kafka is back");
    }

    private static Func<string, bool> IsPhaseOrError(string name) =>
        line => line.StartsWith($"{{\"phase\":\"{name}\"", StringComparison.Ordinal) || line.StartsWith("{\"phase\":\"error\"", StringComparison.Ordinal);

    private static async Task<string> WaitUntilNotReadyAsync(FatechatNode node)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var response = await node.Http.GetAsync("/ready");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable || deadline.Elapsed > TimeSpan.FromSeconds(15))
            {
                return $"{(int)response.StatusCode} {body}";
            }

            await Task.Delay(200);
        }
    }

    /// <summary>The room's stored messages (id → text) once every id in <paramref name="expected"/> is there, or after 30 s.</summary>
    private async Task<Dictionary<string, string>> WaitForStoredAsync(string room, List<string> expected)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var rows = new Dictionary<string, string>();
            await using (var connection = await Database.Database.OpenAsync(CancellationToken.None))
            await using (var command = new MySqlCommand("SELECT id, message_text FROM messages WHERE room_name = @room AND is_event = 0", connection))
            {
                command.Parameters.AddWithValue("@room", room);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    rows[reader.GetString(0)] = reader.GetString(1);
                }
            }

            if (expected.All(rows.ContainsKey) || deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                return rows;
            }

            await Task.Delay(200);
        }
    }
}
