namespace Fatechat.Protocol.EngineIO;

/// <summary>
/// A session's bounded queue of outbound frames: a ring buffer under a lock, grown on demand, with at most one
/// waiter (the pending GET of a polling session; WebSocket sessions never wait, their sender is called on write).
/// It stands in for a bounded <c>Channel&lt;T&gt;</c>, whose reader, writer and four pre-allocated waiter objects cost
/// about 700 bytes per idle connection. It is bounded twice: in frames (each costs a slot) and in bytes (payload and
/// attachments), so that a client that asks for large replies and never reads cannot make the server hold more than
/// <paramref name="maxBytes"/> for it. A broadcast frame is shared with other sessions but counts fully in each:
/// the bound is what this session may keep alive. One frame larger than the byte bound still passes an empty
/// queue, or it could never be delivered.
/// </summary>
internal sealed class OutboundQueue(int capacity, long maxBytes = long.MaxValue)
{
    private const int InitialSize = 4;

    private readonly Lock _lock = new();
    private OutboundFrame[] _items = [];
    private int _head;
    private int _count;
    private long _bytes;
    private bool _completed;
    private TaskCompletionSource<bool>? _waiter;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Bytes of the frames queued now (payloads and attachments).</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Something to read, or completed (so that the end can be acted on): one lock for the sender's check.</summary>
    public bool HasPendingOrCompleted
    {
        get
        {
            lock (_lock)
            {
                return _count > 0 || _completed;
            }
        }
    }

    /// <summary>Completed and drained: nothing will ever be read again.</summary>
    public bool IsDone
    {
        get
        {
            lock (_lock)
            {
                return _completed && _count == 0;
            }
        }
    }

    /// <summary>Queues a frame; false when the queue is full (in frames or bytes) or completed.</summary>
    public bool TryWrite(in OutboundFrame frame)
    {
        TaskCompletionSource<bool>? waiter;
        long size = SizeOf(frame);
        lock (_lock)
        {
            if (_completed || _count == capacity || (_count > 0 && _bytes + size > maxBytes))
            {
                return false;
            }

            if (_count == _items.Length)
            {
                Grow();
            }

            _items[(_head + _count) % _items.Length] = frame;
            _count++;
            _bytes += size;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult(true);
        return true;
    }

    public bool TryRead(out OutboundFrame frame)
    {
        lock (_lock)
        {
            if (_count == 0)
            {
                frame = default;
                return false;
            }

            frame = _items[_head];
            _items[_head] = default; // the payload is not held past its delivery
            _head = (_head + 1) % _items.Length;
            _count--;
            _bytes -= SizeOf(frame);
            return true;
        }
    }

    /// <summary>No more writes; what is queued can still be read.</summary>
    public void Complete()
    {
        TaskCompletionSource<bool>? waiter;
        lock (_lock)
        {
            _completed = true;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult(false);
    }

    /// <summary>
    /// No more writes, and what is queued is dropped at once: for a session closed for an error, whose frames no
    /// transport will send, so that their memory does not wait for the session object to become garbage.
    /// </summary>
    public void Discard()
    {
        TaskCompletionSource<bool>? waiter;
        lock (_lock)
        {
            _completed = true;
            _items = [];
            _head = 0;
            _count = 0;
            _bytes = 0;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult(false);
    }

    /// <summary>True once a frame can be read; false once the queue is completed and empty.</summary>
    public Task<bool> WaitToReadAsync(CancellationToken cancellation)
    {
        Task<bool> waiting;
        lock (_lock)
        {
            if (_count > 0 || _completed)
            {
                return Task.FromResult(_count > 0);
            }

            _waiter ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting = _waiter.Task;
        }

        return waiting.WaitAsync(cancellation);
    }

    private static long SizeOf(in OutboundFrame frame)
    {
        long size = frame.Payload.Length;
        if (frame.Attachments is { } attachments)
        {
            foreach (ReadOnlyMemory<byte> attachment in attachments)
            {
                size += attachment.Length;
            }
        }

        return size;
    }

    private void Grow()
    {
        var larger = new OutboundFrame[Math.Min(capacity, Math.Max(InitialSize, _items.Length * 2))];
        for (int i = 0; i < _count; i++)
        {
            larger[i] = _items[(_head + i) % _items.Length];
        }

        _items = larger;
        _head = 0;
    }
}
