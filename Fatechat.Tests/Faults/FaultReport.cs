namespace Fatechat.Tests.Faults;

/// <summary>A stored row of the run: the <c>messages</c> table's id, text and created_at (ms since the epoch).</summary>
internal sealed record StoredRow(string Id, string Text, long CreatedAt);

/// <summary>
/// The counts a fault test asserts and prints, from the clients' records and the stored rows:
/// <list type="bullet">
/// <item>acked (ok ack with an id), refused (an error ack) and unacked (no ack within the timeout) sends;</item>
/// <item>acked sends missing from the table, texts stored more than once, unacked sends that were stored all the same;</item>
/// <item>deliveries: a client is expected to receive every acked message whose send began while it was in the room
/// (after its join ack) and that was acked at least <see cref="DeliverySettleMs"/> before it next disconnected;
/// received copies of messages it was not expected to get (a recovered gap, an unacked send) count apart.</item>
/// </list>
/// </summary>
internal sealed class FaultReport
{
    public const long DeliverySettleMs = 3000;

    private FaultReport(TrafficSummary traffic, IReadOnlyList<StoredRow> rows)
    {
        Traffic = traffic;
        var sends = traffic.Sends.ToList();
        Sends = sends.Count;
        var acked = sends.Where(s => s.Ok && s.Id is not null).ToList();
        Acked = acked.Count;
        Refused = sends.Count(s => !s.Ok && s.AckAt is not null);
        Unacked = sends.Count(s => s.AckAt is null);
        Errors = sends.Where(s => !s.Ok).GroupBy(s => s.Error ?? "?").ToDictionary(g => g.Key, g => g.Count());

        var storedById = rows.ToDictionary(r => r.Id);
        MissingAcked = [.. acked.Where(s => !storedById.TryGetValue(s.Id!, out var row) || row.Text != s.Text).Select(s => $"{s.Text} ({s.Id})")];
        StoredTwice = [.. rows.GroupBy(r => r.Text).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}")];
        var texts = sends.ToDictionary(s => s.Text);
        StoredUnacked = rows.Count(r => texts.TryGetValue(r.Text, out var s) && !s.Ok);
        Foreign = rows.Count(r => !texts.ContainsKey(r.Text));
        Stored = rows.Count;

        foreach (var client in traffic.Clients)
        {
            var inRoom = client.InRoom().ToList();
            var expected = acked.Where(s => inRoom.Any(span => span.From <= s.SentAt && span.To >= s.AckAt!.Value + DeliverySettleMs))
                .Select(s => s.Id!).ToHashSet();
            var received = client.Received.GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.Count());
            ExpectedDeliveries += expected.Count;
            ReceivedExpected += expected.Count(received.ContainsKey);
            Missed.AddRange(expected.Where(id => !received.ContainsKey(id)).Select(id => $"{client.Name} missed {id}"));
            DeliveredTwice.AddRange(received.Where(r => r.Value > 1).Select(r => $"{client.Name} got {r.Key} x{r.Value}"));
            ReceivedBeyond += received.Keys.Count(id => !expected.Contains(id));
        }
    }

    public TrafficSummary Traffic { get; }

    public int Sends { get; }

    public int Acked { get; }

    public int Refused { get; }

    public int Unacked { get; }

    public IReadOnlyDictionary<string, int> Errors { get; }

    public int Stored { get; }

    public List<string> MissingAcked { get; }

    public List<string> StoredTwice { get; }

    public int StoredUnacked { get; }

    public int Foreign { get; }

    public int ExpectedDeliveries { get; }

    public int ReceivedExpected { get; }

    public List<string> Missed { get; } = [];

    public List<string> DeliveredTwice { get; } = [];

    public int ReceivedBeyond { get; }

    public static FaultReport Of(TrafficSummary traffic, IReadOnlyList<StoredRow> rows) => new(traffic, rows);

    /// <summary>Acked messages sent within [from, to].</summary>
    public int AckedBetween(long from, long to) => Traffic.Sends.Count(s => s.Ok && s.SentAt >= from && s.SentAt <= to);

    /// <summary>
    /// The longest time no message reached <paramref name="client"/> within [from, to] (ms), edges included.
    /// </summary>
    public long LongestDeliveryGap(string client, long from, long to)
    {
        var points = Traffic.Clients.Single(c => c.Name == client).Received.Select(r => r.At).Where(t => t > from && t < to)
            .Order().Prepend(from).Append(to).ToList();
        return points.Zip(points.Skip(1), (a, b) => b - a).Max();
    }

    /// <summary>How long after <paramref name="from"/> the client next received a message (ms), or null.</summary>
    public long? FirstDeliveryAfter(string client, long from) =>
        Traffic.Clients.Single(c => c.Name == client).Received.Select(r => r.At).Where(t => t > from).Order().FirstOrDefault() is var t and > 0 ? t - from : null;

    /// <summary>The counts, one line each, for the test's output.</summary>
    public void Print(TextWriter output)
    {
        output.WriteLine($"sends: {Sends}, acked: {Acked}, refused: {Refused}, unacked: {Unacked}" +
            (Errors.Count == 0 ? "" : $" ({string.Join("; ", Errors.Select(e => $"{e.Value} x {e.Key}"))})"));
        output.WriteLine($"stored: {Stored} rows; acked missing: {MissingAcked.Count}; stored twice: {StoredTwice.Count}; " +
            $"unacked but stored: {StoredUnacked}; rows of no send: {Foreign}");
        output.WriteLine($"deliveries expected: {ExpectedDeliveries} (acked messages sent while the receiver was in the room, acked {DeliverySettleMs} ms " +
            $"before it left), received: {ReceivedExpected}, missed: {Missed.Count}, twice: {DeliveredTwice.Count}, received beyond: {ReceivedBeyond}");
        foreach (var client in Traffic.Clients.Where(c => c.Disconnects.Count > 0 || c.JoinErrors > 0))
        {
            output.WriteLine($"  {client.Name}: disconnects [{string.Join(", ", client.Disconnects)}], " +
                $"joins {client.Joins.Count} ({client.Joins.Count(j => j.Recovered)} recovered), join errors {client.JoinErrors}, connect errors {client.ConnectErrors}");
        }

        foreach (var line in MissingAcked.Concat(StoredTwice).Concat(Missed).Concat(DeliveredTwice).Take(20))
        {
            output.WriteLine($"  {line}");
        }
    }

    /// <summary>What every fault must keep: nothing acked lost, nothing stored or delivered twice, no expected delivery missed.</summary>
    public void AssertNothingLost()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Acked, Is.GreaterThan(0), "traffic ran");
            Assert.That(MissingAcked, Is.Empty, "acked messages missing from the table");
            Assert.That(StoredTwice, Is.Empty, "texts stored more than once");
            Assert.That(Foreign, Is.Zero, "rows that no client sent");
            Assert.That(Missed, Is.Empty, "expected deliveries that never came");
            Assert.That(DeliveredTwice, Is.Empty, "messages a client received twice");
        });
    }
}
