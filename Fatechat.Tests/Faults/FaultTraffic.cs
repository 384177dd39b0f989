using System.Text.Json;
using Fatechat.Tests.Cluster;
using Fatechat.Tests.Interop;

namespace Fatechat.Tests.Faults;

/// <summary>One socket.io client of <c>Faults/node/traffic.mjs</c>: a user, where it connects, whether it sends and reconnects.</summary>
/// <param name="Url">a node's address, or <c>switch:&lt;name&gt;</c> for one of the script's TCP switches</param>
internal sealed record TrafficClient(string Name, string Mail, string Token, string Url, bool Send = true, bool Reconnect = true);

/// <summary>
/// The steady traffic of a fault test: <c>traffic.mjs</c> as a child process, asked over stdin (one JSON command
/// a line) and answering one JSON line each. Every client sends one acked message per interval while it is in the
/// room; the script's summary holds every send, ack and delivery with its time.
/// </summary>
internal sealed class FaultTraffic : IDisposable
{
    public const int IntervalMs = 250;
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(20);

    private readonly ClusterProcess _script;
    private readonly string _configPath;
    private int _requests;

    private FaultTraffic(ClusterProcess script, string configPath, string runId)
    {
        _script = script;
        _configPath = configPath;
        RunId = runId;
    }

    /// <summary>Starts every message text: rows of this run are the room's rows whose text begins with it.</summary>
    public string RunId { get; }

    /// <summary>When every client had joined and sending began (ms since the epoch, the script's clock, which is this machine's).</summary>
    public long StartedAt { get; private set; }

    public static async Task<FaultTraffic> StartAsync(string room, IReadOnlyList<TrafficClient> clients,
        IReadOnlyDictionary<string, string[]>? switches = null, int ackTimeoutMs = 5000)
    {
        await InteropPaths.EnsureNodeModulesAsync().WaitAsync(TimeSpan.FromMinutes(6));
        var runId = $"run-{Guid.NewGuid():N}"[..12];
        var configPath = Path.Combine(Path.GetTempPath(), $"fatechat-fault-{runId}.json");
        await File.WriteAllTextAsync(configPath, JsonSerializer.Serialize(new
        {
            room,
            runId,
            intervalMs = IntervalMs,
            ackTimeoutMs,
            switches = switches ?? new Dictionary<string, string[]>(),
            clients = clients.Select(c => new { name = c.Name, mail = c.Mail, token = c.Token, url = c.Url, send = c.Send, reconnect = c.Reconnect }),
        }));
        var script = ClusterProcess.Start("traffic.mjs", "node",
            [Path.Combine(InteropPaths.RepoRoot, "Fatechat.Tests", "Faults", "node", "traffic.mjs"), configPath], InteropPaths.RepoRoot);
        var traffic = new FaultTraffic(script, configPath, runId);
        try
        {
            var ready = JsonDocument.Parse(await script.WaitForLineAsync(l => l.StartsWith("{\"phase\":", StringComparison.Ordinal), "the ready line", TimeSpan.FromSeconds(60)));
            if (ready.RootElement.GetProperty("phase").GetString() != "ready")
            {
                Assert.Fail($"traffic.mjs did not get ready: {ready.RootElement}\n{script.Output()}");
            }

            traffic.StartedAt = ready.RootElement.GetProperty("at").GetInt64();
            return traffic;
        }
        catch
        {
            traffic.Dispose();
            throw;
        }
    }

    /// <summary><c>getRecentMessages {count: 100}</c> from one client: <c>{ids, ms}</c> or <c>{error}</c>.</summary>
    public Task<JsonElement> RecentAsync(string client) => AskAsync("recent", client);

    /// <summary><c>getOnlineUsers</c> from one client: <c>{users, ms}</c> or <c>{error}</c>.</summary>
    public Task<JsonElement> OnlineAsync(string client) => AskAsync("online", client);

    /// <summary>Stops new sends and returns once every send in flight was acked or timed out (ms since the epoch).</summary>
    public async Task<long> StopSendingAsync() => (await AskAsync("stopSending", null)).GetProperty("at").GetInt64();

    /// <summary>Everything the clients recorded; the script closes its sockets and exits after it.</summary>
    public async Task<TrafficSummary> SummaryAsync() => TrafficSummary.Parse(await AskAsync("summary", null), RunId);

    public string Output() => _script.Output();

    public void Dispose()
    {
        _script.Dispose();
        File.Delete(_configPath);
    }

    private async Task<JsonElement> AskAsync(string command, string? client)
    {
        var request = Interlocked.Increment(ref _requests);
        _script.WriteLine(JsonSerializer.Serialize(new { cmd = command, client, req = request }));
        var tag = $"\"req\":{request},";
        var line = await _script.WaitForLineAsync(l => l.StartsWith("{\"phase\":", StringComparison.Ordinal)
            && (l.Contains(tag, StringComparison.Ordinal) || l.StartsWith("{\"phase\":\"error\"", StringComparison.Ordinal)), $"the answer to {command}", AnswerBound);
        var answer = JsonDocument.Parse(line).RootElement.Clone();
        if (answer.GetProperty("phase").GetString() == "error")
        {
            Assert.Fail($"traffic.mjs failed: {answer.GetProperty("error")}\n{_script.Output()}");
        }

        return answer;
    }
}
