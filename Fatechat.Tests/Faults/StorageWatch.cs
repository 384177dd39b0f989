using System.Diagnostics;
using MySqlConnector;

namespace Fatechat.Tests.Faults;

/// <summary>
/// Polls how many user messages (not join or leave events) one room has stored, every 100 ms, and keeps each
/// answer with the wall-clock time it came back: the longest stretch without a new row, and how long storage
/// took to resume after a fault, are read off that timeline. Polls that fail (the database is down) are skipped.
/// A new connection per poll (no pool), so a killed server leaves no broken connection behind.
/// </summary>
internal sealed class StorageWatch : IAsyncDisposable
{
    private const string CountSql = "SELECT COUNT(*) FROM messages WHERE room_name = @room AND is_event = 0";
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly string _connection;
    private readonly string _room;
    private readonly List<(long At, long Count)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public StorageWatch(string connection, string room)
    {
        _connection = new MySqlConnectionStringBuilder(connection) { Pooling = false, ConnectionTimeout = 2, DefaultCommandTimeout = 2 }.ConnectionString;
        _room = room;
        _loop = Task.Run(PollAsync);
    }

    public string Room => _room;

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>The latest stored count.</summary>
    public long Count
    {
        get
        {
            lock (_samples)
            {
                return _samples.Count == 0 ? 0 : _samples[^1].Count;
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> rows are stored; false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForCountAsync(long count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (Count < count)
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(Interval);
        }

        return true;
    }

    /// <summary>
    /// Waits until rows have been stored without a pause of <paramref name="pause"/> for a while: a fault is injected
    /// into storage that runs, not into the group's first rebalance after the nodes started (measured on its own by
    /// <see cref="PersistenceRebalanceFaultTests"/>). False after <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> WaitUntilStoringAsync(TimeSpan pause, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var now = Now;
            var since = now - 3 * (long)pause.TotalMilliseconds;
            if (Growth().Any(t => t > since) && LongestGap(since, now) < pause.TotalMilliseconds)
            {
                return true;
            }

            await Task.Delay(Interval);
        }

        return false;
    }

    /// <summary>The times (ms since the epoch) at which the count was seen to grow.</summary>
    public List<long> Growth()
    {
        lock (_samples)
        {
            var growth = new List<long>();
            for (var i = 1; i < _samples.Count; i++)
            {
                if (_samples[i].Count > _samples[i - 1].Count)
                {
                    growth.Add(_samples[i].At);
                }
            }

            return growth;
        }
    }

    /// <summary>The longest time between two growths of the count within [from, to], edges included (ms).</summary>
    public long LongestGap(long from, long to)
    {
        var points = Growth().Where(t => t > from && t < to).Prepend(from).Append(to).ToList();
        return points.Zip(points.Skip(1), (a, b) => b - a).Max();
    }

    /// <summary>How long after <paramref name="from"/> the count first grew (ms), or null if it has not since.</summary>
    public long? FirstGrowthAfter(long from) => Growth().FirstOrDefault(t => t > from) is var t and > 0 ? t - from : null;

    /// <summary>When the count first reached <paramref name="count"/> (ms since the epoch), or null.</summary>
    public long? ReachedAt(long count)
    {
        lock (_samples)
        {
            return _samples.FirstOrDefault(s => s.Count >= count) is { At: > 0 } sample ? sample.At : null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task PollAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = new MySqlConnection(_connection);
                await connection.OpenAsync(_stop.Token);
                await using var command = new MySqlCommand(CountSql, connection);
                command.Parameters.AddWithValue("@room", _room);
                var count = Convert.ToInt64(await command.ExecuteScalarAsync(_stop.Token));
                lock (_samples)
                {
                    _samples.Add((Now, count));
                }
            }
            catch (Exception e) when (e is MySqlException or InvalidOperationException or TimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await Task.Delay(Interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
