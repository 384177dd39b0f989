using System.Diagnostics;
using Fatechat.Tests.Cluster;
using MySqlConnector;

namespace Fatechat.Tests.Faults;

/// <summary>
/// The plumbing every fault test shares on top of <see cref="ClusterFixture"/>: users and a room, the traffic
/// script, the storage timeline, and the end of a run (stop sending, let deliveries settle, wait for storage,
/// count). Each test prints its counts and figures to <see cref="TestContext.Out"/>.
/// </summary>
public abstract class FaultFixture : ClusterFixture
{
    /// <summary>How long every acked message gets to reach the table after the last send.</summary>
    private protected static readonly TimeSpan StoreBound = TimeSpan.FromSeconds(60);

    private protected static TextWriter Out => TestContext.Out;

    private protected static string Room() => $"fault-{Guid.NewGuid():N}"[..30];

    /// <summary>Registers <paramref name="count"/> users on <paramref name="node"/>: (mail, token) each.</summary>
    private protected static async Task<List<(string Mail, string Token)>> UsersAsync(FatechatNode node, string prefix, int count)
    {
        var users = new List<(string, string)>();
        for (var i = 0; i < count; i++)
        {
            var mail = $"{prefix}{i}-{Guid.NewGuid():N}"[..24] + "@example.test";
            users.Add((mail, await node.RegisterAsync(mail)));
        }

        return users;
    }

    /// <summary>
    /// <paramref name="perNode"/> sending clients on each node (a0.., b0..), in a room node A created, and a
    /// watch on the room's stored rows. <paramref name="urlOf"/> may send a client through a switch instead.
    /// </summary>
    private protected async Task<(FaultTraffic Traffic, StorageWatch Watch, string Room)> StartTrafficAsync(FatechatNode a, FatechatNode b, int perNode,
        Func<string, FatechatNode, string>? urlOf = null, IReadOnlyDictionary<string, string[]>? switches = null, IEnumerable<TrafficClient>? more = null)
    {
        var room = Room();
        var clients = new List<TrafficClient>();
        foreach (var (prefix, node) in new[] { ("a", a), ("b", b) })
        {
            var users = await UsersAsync(node, prefix, perNode);
            clients.AddRange(users.Select((u, i) => new TrafficClient($"{prefix}{i}", u.Mail, u.Token, urlOf?.Invoke($"{prefix}{i}", node) ?? node.BaseAddress.ToString())));
        }

        await a.CreateRoomAsync(clients[0].Token, room);
        var traffic = await FaultTraffic.StartAsync(room, [.. clients, .. more ?? []], switches);
        Started(traffic);
        var watch = new StorageWatch(Database.ConnectionString, room);
        _watches.Add(watch);
        Out.WriteLine($"traffic: {clients.Count} clients, one acked send each per {FaultTraffic.IntervalMs} ms, room {room}");
        return (traffic, watch, room);
    }

    private readonly List<StorageWatch> _watches = [];

    [TearDown]
    public async Task StopWatches()
    {
        foreach (var watch in _watches)
        {
            await watch.DisposeAsync();
        }

        _watches.Clear();
    }

    /// <summary>Lets the traffic run for <paramref name="duration"/> (steady traffic is the point: nothing to wait for).</summary>
    private protected static Task RunFor(TimeSpan duration) => Task.Delay(duration);

    /// <summary>
    /// Stops sending, gives deliveries <see cref="FaultReport.DeliverySettleMs"/>, takes the clients' records, waits
    /// up to <see cref="StoreBound"/> for every acked message to be stored, and counts.
    /// </summary>
    private protected async Task<FaultReport> FinishAsync(FaultTraffic traffic, string room)
    {
        var stoppedAt = await traffic.StopSendingAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(FaultReport.DeliverySettleMs));
        var summary = await traffic.SummaryAsync();
        var watches = _watches.Where(w => w.Room == room).ToList();
        var acked = summary.Sends.Where(s => s.Ok && s.Id is not null).Select(s => s.Id!).ToHashSet();
        var clock = Stopwatch.StartNew();
        var rows = await RowsAsync(room, traffic.RunId);
        while (!acked.IsSubsetOf(rows.Select(r => r.Id)) && clock.Elapsed < StoreBound)
        {
            await Task.Delay(250);
            rows = await RowsAsync(room, traffic.RunId);
        }

        var allStored = acked.IsSubsetOf(rows.Select(r => r.Id));
        // The watch saw the room's count reach the acked count at some poll: that, against the stop, is the drain time.
        var drained = watches.FirstOrDefault()?.ReachedAt(acked.Count) is { } at ? $"{Math.Max(0, at - stoppedAt)} ms after the last send" : "(not watched)";
        Out.WriteLine(allStored ? $"every acked message stored; the count reached it {drained}" : $"acked messages NOT all stored within {StoreBound.TotalSeconds} s");
        var report = FaultReport.Of(summary, rows);
        report.Print(Out);
        return report;
    }

    private async Task<List<StoredRow>> RowsAsync(string room, string runId)
    {
        var rows = new List<StoredRow>();
        try
        {
            await using var connection = new MySqlConnection(new MySqlConnectionStringBuilder(Database.ConnectionString) { Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            await using var command = new MySqlCommand(
                "SELECT id, message_text, created_at FROM messages WHERE room_name = @room AND is_event = 0 AND message_text LIKE @run", connection);
            command.Parameters.AddWithValue("@room", room);
            command.Parameters.AddWithValue("@run", runId + " %");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var createdAt = DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc);
                rows.Add(new StoredRow(reader.GetString(0), reader.GetString(1), new DateTimeOffset(createdAt).ToUnixTimeMilliseconds()));
            }
        }
        catch (MySqlException e)
        {
            Out.WriteLine($"reading the stored rows failed: {e.Message}");
        }

        return rows;
    }

    /// <summary>Polls until <paramref name="condition"/> holds; the elapsed ms, or null once <paramref name="bound"/> passed.</summary>
    private protected static async Task<long?> WithinAsync(TimeSpan bound, Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < bound)
        {
            if (await condition())
            {
                return clock.ElapsedMilliseconds;
            }

            await Task.Delay(200);
        }

        return null;
    }
}
