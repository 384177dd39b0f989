using System.Globalization;
using System.Text;
using Fatechat.Server.Messaging;

namespace Fatechat.Server.Chat.Recovery;

/// <summary>
/// The recent tail of the bus as this node delivered it, and where its delivery stands — what a reconnecting
/// client's missed messages are read from.
/// <para>
/// An offset given to a client is this node's <em>position vector</em>: for each partition of the messages topic,
/// the last record it had delivered (<c>scope~partition:offset,…</c>). A client holding it has received every
/// record up to those offsets in its rooms, because one node delivers records in order and a socket's frames
/// leave in order. Kafka offsets are the same on every node, so any node that has delivered past the vector,
/// and still holds what came after it, can replay exactly the records the client missed, in order, once —
/// whichever node the client was on, even one that died. Anything less and it says so (never partial).
/// </para>
/// <para>Deliveries and recoveries take <see cref="Gate"/>, so a recovering socket joins its rooms between two records.</para>
/// </summary>
public sealed class DeliveryLog(IChatBus bus, TimeProvider time)
{
    /// <summary>Most records kept; older ones go, and offsets before them can no longer be recovered here.</summary>
    public const int MaxRecords = 100_000;

    private readonly Queue<(ChatBusEvent Event, long At)> _records = new();
    private readonly Dictionary<int, long> _start = [];
    // Sorted, so that an offset string is written in partition order without sorting on every record.
    private readonly SortedDictionary<int, long> _last = [];
    private readonly Dictionary<int, long> _evicted = [];
    private string? _offset;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>How long records are kept; set from the recovery window at start-up.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// This node's position vector as an offset string: everything up to it has been queued to every socket of this
    /// node in its rooms. Read without the gate, for events sent to one socket.
    /// </summary>
    public string CurrentOffset => Volatile.Read(ref _offset) ?? "";

    /// <summary>The offset to send with <paramref name="chatEvent"/>: the vector once it is delivered; the caller holds <see cref="Gate"/>.</summary>
    public string? OffsetIncluding(ChatBusEvent chatEvent) =>
        chatEvent.Position is { } position ? Format(_last, position) : null;

    /// <summary>
    /// Notes a delivery start or a record once it was delivered (with <paramref name="offsetIncluding"/>, its
    /// <see cref="OffsetIncluding"/>, which becomes the current offset); the caller holds <see cref="Gate"/>.
    /// </summary>
    public void Record(ChatBusEvent chatEvent, string? offsetIncluding = null)
    {
        RecordCore(chatEvent);
        Volatile.Write(ref _offset, offsetIncluding ?? Format(_last, null));
    }

    private void RecordCore(ChatBusEvent chatEvent)
    {
        if (chatEvent is DeliveryStarted started)
        {
            if (!_last.TryGetValue(started.Partition, out long last) || last + 1 != started.Offset)
            {
                // A gap (a first start, or a rebalance that moved on): what came before is not ours to replay.
                _start[started.Partition] = started.Offset;
                _last[started.Partition] = started.Offset - 1;
                _evicted[started.Partition] = started.Offset - 1;
            }

            return;
        }

        if (chatEvent.Position is not { } position)
        {
            return;
        }

        _last[position.Partition] = position.Offset;
        long now = time.GetTimestamp();
        _records.Enqueue((chatEvent, now));
        while (_records.Count > MaxRecords || time.GetElapsedTime(_records.Peek().At) > Retention)
        {
            var (old, _) = _records.Dequeue();
            var p = old.Position!.Value;
            _evicted[p.Partition] = Math.Max(_evicted.GetValueOrDefault(p.Partition, -1), p.Offset);
        }
    }

    /// <summary>
    /// The records after <paramref name="offset"/> that <paramref name="concerns"/> the client, in delivery order,
    /// each with the offset the client holds once it has it (the client's vector moved past every record replayed
    /// or passed over so far, so that a drop mid-replay resumes from there); the caller holds <see cref="Gate"/>. <see cref="Replay.Behind"/> means this node has not yet delivered as far
    /// as the client got: ask again shortly.
    /// </summary>
    public Replay TryReplay(string offset, Func<ChatBusEvent, bool> concerns)
    {
        if (!TryParse(offset, out var vector) || vector.Count != _last.Count)
        {
            return Replay.Impossible;
        }

        foreach (var (partition, seen) in vector)
        {
            // A partition whose start this node never learned (its end offset could not be read) cannot be replayed.
            if (!_last.TryGetValue(partition, out long last) || !_start.TryGetValue(partition, out long start)
                || start > seen + 1 || _evicted.GetValueOrDefault(partition, long.MaxValue) > seen)
            {
                return Replay.Impossible;
            }

            if (last < seen)
            {
                return Replay.Behind;
            }
        }

        var missed = new List<(ChatBusEvent, string)>();
        foreach (var (record, _) in _records)
        {
            var p = record.Position!.Value;
            if (p.Offset <= vector[p.Partition])
            {
                continue;
            }

            vector[p.Partition] = p.Offset;
            if (concerns(record))
            {
                missed.Add((record, Format(vector, null)));
            }
        }

        return new Replay(ReplayOutcome.Complete, missed);
    }

    /// <summary>The vector as an offset string, with <paramref name="including"/> in place of its partition's entry.</summary>
    private string Format(SortedDictionary<int, long> vector, BusPosition? including)
    {
        var text = new StringBuilder(bus.PositionScope).Append('~');
        foreach (var (partition, last) in vector)
        {
            long offset = including is { } p && p.Partition == partition ? p.Offset : last;
            text.Append(partition).Append(':').Append(offset).Append(',');
        }

        return text.ToString().TrimEnd(',');
    }

    private bool TryParse(string offset, out SortedDictionary<int, long> vector)
    {
        vector = [];
        int tilde = offset.IndexOf('~');
        if (tilde < 0 || offset.AsSpan(0, tilde).SequenceEqual(bus.PositionScope) is false)
        {
            return false;
        }

        foreach (var part in offset[(tilde + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split(':');
            if (pair.Length != 2
                || !int.TryParse(pair[0], NumberStyles.None, CultureInfo.InvariantCulture, out int partition)
                || !long.TryParse(pair[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long last)
                || !vector.TryAdd(partition, last))
            {
                return false;
            }
        }

        return vector.Count > 0;
    }
}

public enum ReplayOutcome
{
    Complete,
    Behind,
    Impossible,
}

/// <summary>What <see cref="DeliveryLog.TryReplay"/> found.</summary>
public sealed record Replay(ReplayOutcome Outcome, IReadOnlyList<(ChatBusEvent Event, string Offset)> Missed)
{
    public static readonly Replay Impossible = new(ReplayOutcome.Impossible, []);
    public static readonly Replay Behind = new(ReplayOutcome.Behind, []);
}
