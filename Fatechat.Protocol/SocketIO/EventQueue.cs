namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// Runs one socket's event handlers one at a time, in the order their packets arrived, as SignalR runs one
/// invocation per client at a time: a <c>sendMessage</c> right after a <c>joinRoom</c> sees the join, and two
/// messages from one tab keep their order. The first handler of an idle queue starts inline on the thread that
/// received the packet; later ones wait for it. The number waiting is bounded: past it the client is sending
/// faster than its handlers can finish, and <see cref="Enqueue"/> says so.
/// </summary>
internal sealed class EventQueue(int capacity)
{
    private readonly Queue<Func<Task>> _waiting = new();
    private bool _running;
    private bool _closed;

    /// <summary>Runs <paramref name="work"/> after what is queued; false when the queue is full or closed.</summary>
    public bool Enqueue(Func<Task> work)
    {
        lock (_waiting)
        {
            if (_closed)
            {
                return true; // the socket is gone: its late packets are dropped, as Node drops them
            }

            if (_running)
            {
                if (_waiting.Count >= capacity)
                {
                    return false;
                }

                _waiting.Enqueue(work);
                return true;
            }

            _running = true;
        }

        _ = RunAsync(work);
        return true;
    }

    /// <summary>Drops what has not started; <paramref name="last"/> runs once the handler running now, if any, is over.</summary>
    public void Close(Func<Task> last)
    {
        lock (_waiting)
        {
            _closed = true;
            _waiting.Clear();
            if (_running)
            {
                _waiting.Enqueue(last);
                return;
            }

            _running = true;
        }

        _ = RunAsync(last);
    }

    /// <summary>Each work item catches its own failures (<see cref="SocketIOSocket.RunHandlerAsync"/>).</summary>
    private async Task RunAsync(Func<Task> work)
    {
        while (true)
        {
            await work().ConfigureAwait(false);
            lock (_waiting)
            {
                if (!_waiting.TryDequeue(out work!))
                {
                    _running = false;
                    return;
                }
            }
        }
    }
}
