using System.IO.Pipelines;
using System.Net.WebSockets;

namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>
/// Moves a session's queued frames onto its WebSocket on the thread that queued them: a broadcast writes each
/// recipient's frame into that socket's pipe and flushes it there and then, with no thread-pool hop per socket
/// (Kestrel's socket transport then sends from its own I/O queue). Whoever takes the socket's write lock drains
/// everything queued, so frames keep their order and a burst still goes out in one flush. Only when a pipe is full
/// (the client reads slowly) does the rest continue asynchronously, still holding the lock; the bounded queue
/// meanwhile fills and disconnects the client if it never catches up.
/// </summary>
internal sealed class WebSocketSender
{
    /// <summary>Bytes written into the pipe before a flush, so one busy client cannot grow a large batch.</summary>
    private const int MaxBatchBytes = 64 * 1024;

    /// <summary>Engine.IO v3 binary frames start with the packet type as a byte: 4, message.</summary>
    private const byte MessageTypeV3 = 4;

    private readonly EngineConnection _connection;
    private readonly WebSocketConnection _socket;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopped;

    public WebSocketSender(EngineConnection connection, WebSocketConnection socket)
    {
        _connection = connection;
        _socket = socket;
    }

    /// <summary>Completes once the close frame has been sent after the last queued frame, or sending failed.</summary>
    public Task Finished => _finished.Task;

    /// <summary>
    /// Called after a frame was queued, the queue was completed, or another writer released the lock. Returns at
    /// once when another thread holds the lock: that thread looks at the queue again after releasing it.
    /// </summary>
    public void Pump()
    {
        while (HasWork && _socket.WriteLock.Wait(0))
        {
            FlushResult result;
            try
            {
                ValueTask<FlushResult> flush = WriteBatch();
                if (!flush.IsCompleted)
                {
                    // The pipe is full: the rest continues when it drains, still holding the lock.
                    _ = CompleteFlushAsync(flush);
                    return;
                }

                result = flush.GetAwaiter().GetResult();
            }
            catch (Exception exception) when (WebSocketTransport.IsTransportFailure(exception))
            {
                StopAndRelease();
                return;
            }

            bool more = Flushed(result);
            _socket.WriteLock.Release();
            if (!more)
            {
                return;
            }
        }
    }

    private bool HasWork => !_stopped && _connection.Outbound.HasPendingOrCompleted;

    /// <summary>Writes what is queued (up to <see cref="MaxBatchBytes"/>), or the close frame once the queue has ended.</summary>
    private ValueTask<FlushResult> WriteBatch()
    {
        var outbound = _connection.Outbound;
        int batched = 0;
        while (batched < MaxBatchBytes && outbound.TryRead(out OutboundFrame frame))
        {
            Write(frame.Payload.Span, frame.IsBinary);
            batched += frame.Payload.Length;
            if (frame.Attachments is { } attachments)
            {
                foreach (ReadOnlyMemory<byte> attachment in attachments)
                {
                    Write(attachment.Span, isBinary: true);
                    batched += attachment.Length;
                }
            }
        }

        if (batched == 0 && outbound.IsDone)
        {
            // Going Away tells the client this server is leaving (it reconnects, to another node behind the balancer).
            if (_connection.CloseReason == CloseReasons.ServerShuttingDown)
            {
                _socket.WriteCloseFrame(WebSocketCloseStatus.EndpointUnavailable, CloseReasons.ServerShuttingDown);
            }
            else
            {
                _socket.WriteCloseFrame(WebSocketCloseStatus.NormalClosure);
            }

            _stopped = true;
        }

        return _socket.FlushAsync(_connection.Aborted);
    }

    private void Write(ReadOnlySpan<byte> payload, bool isBinary)
    {
        if (isBinary && _connection.Protocol == 3)
        {
            _socket.WriteBinaryFrame(MessageTypeV3, payload);
        }
        else
        {
            _socket.WriteFrame(payload, isBinary);
        }
    }

    private async Task CompleteFlushAsync(ValueTask<FlushResult> flush)
    {
        FlushResult result;
        try
        {
            result = await flush;
        }
        catch (Exception exception) when (WebSocketTransport.IsTransportFailure(exception))
        {
            StopAndRelease();
            return;
        }

        bool more = Flushed(result);
        _socket.WriteLock.Release();
        if (more)
        {
            Pump();
        }
    }

    /// <summary>False when the connection is gone or the close frame went out: nothing more to send.</summary>
    private bool Flushed(FlushResult result)
    {
        if (result.IsCompleted || result.IsCanceled)
        {
            Stop();
            return false;
        }

        if (_stopped)
        {
            _finished.TrySetResult();
            return false;
        }

        return true;
    }

    private void StopAndRelease()
    {
        Stop();
        _socket.WriteLock.Release();
    }

    private void Stop()
    {
        _stopped = true;
        _connection.Close(CloseReasons.TransportError);
        _finished.TrySetResult();
    }
}
