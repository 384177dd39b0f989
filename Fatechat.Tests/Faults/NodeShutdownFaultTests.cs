using System.Net.Sockets;
using System.Text.Json;

namespace Fatechat.Tests.Faults;

/// <summary>
/// Node B stopped with SIGTERM during traffic, as an orchestrator stops it: it stops accepting connections, closes
/// its sockets with a reason (WebSocket close 1001 "server shutting down"; a Socket.IO disconnect would stop the clients' reconnection), exits by itself within a bound,
/// and loses no acked message (the producer flushed, the persistence offsets committed or replayed once). B's
/// clients reach the nodes through a small TCP switch (<c>Faults/node/switch.mjs</c>: each new connection to the
/// first node that accepts it, B then A), so socket.io-client's own reconnection lands them on node A, where they
/// join the room again (or are recovered) and miss nothing from then on.
/// On the shared MariaDB and Redis and a Kafka mock.
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(170_000)]
public sealed class NodeShutdownFaultTests : FaultFixture
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RefuseBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BackBound = TimeSpan.FromSeconds(15);

    [Test]
    public async Task ATerminatedNodeClosesItsSocketsWithAReasonExitsAndItsClientsCarryOnAtTheOtherNode()
    {
        var (a, b) = await StartTwoNodesAsync(presenceTtlSeconds: 6);
        var switches = new Dictionary<string, string[]> { ["toB"] = [b.BaseAddress.ToString(), a.BaseAddress.ToString()] };
        var (traffic, _, room) = await StartTrafficAsync(a, b, perNode: 4,
            urlOf: (name, node) => node == b ? "switch:toB" : node.BaseAddress.ToString(), switches: switches);
        await RunFor(TimeSpan.FromSeconds(4));

        var terminated = StorageWatch.Now;
        Assert.That(b.Terminate(), Is.True, "SIGTERM sent to node B");
        Out.WriteLine($"sent SIGTERM to node B (pid {b.Pid})");
        var refusing = WithinAsync(RefuseBound, async () => !await AcceptsAsync(b.Port));
        var exited = await b.Process.WaitForExitAsync(ExitBound);
        var exitMs = StorageWatch.Now - terminated;
        var refusedMs = await refusing;
        Out.WriteLine($"node B refused new connections {refusedMs?.ToString() ?? "NOT"} ms after SIGTERM (polled every 200 ms); " +
            (exited ? $"exited with code {b.Process.ExitCode} after {exitMs} ms" : $"still running {ExitBound.TotalSeconds} s after SIGTERM"));

        await RunFor(TimeSpan.FromSeconds(8));
        var report = await FinishAsync(traffic, room);

        var bClients = report.Traffic.Clients.Where(c => c.Name.StartsWith('b')).ToList();
        var closes = bClients.SelectMany(c => c.Disconnects.Where(d => d.At >= terminated).Take(1)).ToList();
        var backAfter = bClients.Select(c => c.Joins.Where(j => j.At > terminated).Select(j => j.At - terminated).DefaultIfEmpty(-1).Min()).ToList();
        var switchedToA = report.Traffic.Switched.GetProperty("toB").EnumerateArray()
            .Count(s => s.GetProperty("at").GetInt64() > terminated && s.GetProperty("target").GetString() == a.BaseAddress.ToString());
        var switchedToB = report.Traffic.Switched.GetProperty("toB").EnumerateArray()
            .Count(s => s.GetProperty("at").GetInt64() > terminated && s.GetProperty("target").GetString() == b.BaseAddress.ToString());
        Out.WriteLine($"B's clients were closed with: {string.Join("; ", closes)}");
        Out.WriteLine($"after SIGTERM the switch sent {switchedToA} connections to A and {switchedToB} to B; B's clients back in the room " +
            $"{string.Join(", ", backAfter)} ms after SIGTERM ({bClients.Sum(c => c.Joins.Count(j => j.At > terminated && j.Recovered))} recovered)");

        report.AssertNothingLost();
        Assert.Multiple(() =>
        {
            Assert.That(refusedMs, Is.Not.Null, $"node B stopped accepting within {RefuseBound.TotalSeconds} s");
            Assert.That(exited, Is.True, $"node B exited within {ExitBound.TotalSeconds} s of SIGTERM");
            Assert.That(exited ? b.Process.ExitCode : -1, Is.Zero, "a clean exit");
            Assert.That(closes, Has.Count.EqualTo(bClients.Count), "every client of B was disconnected");
            // Not a Socket.IO disconnect: socket.io-client does not reconnect after "io server disconnect".
            Assert.That(closes, Has.All.Matches<TrafficDisconnect>(d => d.Code == 1001),
                "closed with a reason: WebSocket close 1001 (going away), not a bare transport close");
            Assert.That(backAfter, Has.All.InRange(0L, (long)BackBound.TotalMilliseconds), "every client of B back in the room on node A");
            Assert.That(a.HasExited, Is.False, "node A still up");
        });
    }

    /// <summary>Whether a TCP connection to the port is accepted (a node still listening).</summary>
    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(1));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }
}
