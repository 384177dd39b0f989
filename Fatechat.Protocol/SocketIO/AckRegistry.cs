namespace Fatechat.Protocol.SocketIO;

/// <summary>Pending acknowledgements of events this server emitted, by ack id (per socket, from 0 as in Node).</summary>
internal sealed class AckRegistry
{
    private readonly Dictionary<long, TaskCompletionSource<SocketIOArgs>> _pending = new();
    private long _nextId;

    public (long Id, Task<SocketIOArgs> Response) Register()
    {
        var completion = new TaskCompletionSource<SocketIOArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pending)
        {
            long id = _nextId++;
            _pending[id] = completion;
            return (id, completion.Task);
        }
    }

    /// <summary>Completes the ack; an unknown id is ignored, as Node does ("bad ack").</summary>
    public void Complete(long id, SocketIOArgs args)
    {
        TaskCompletionSource<SocketIOArgs>? completion;
        lock (_pending)
        {
            _pending.Remove(id, out completion);
        }

        completion?.TrySetResult(args);
    }

    public void Forget(long id)
    {
        lock (_pending)
        {
            _pending.Remove(id);
        }
    }

    public void FailAll(string reason)
    {
        TaskCompletionSource<SocketIOArgs>[] all;
        lock (_pending)
        {
            all = _pending.Values.ToArray();
            _pending.Clear();
        }

        foreach (var completion in all)
        {
            completion.TrySetException(new SocketIODisconnectedException(reason));
        }
    }
}

/// <summary>The socket disconnected before the client acknowledged.</summary>
public sealed class SocketIODisconnectedException(string reason) : Exception($"Socket disconnected: {reason}")
{
    public string Reason { get; } = reason;
}
