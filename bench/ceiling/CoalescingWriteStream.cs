using System.Buffers;

namespace Fatechat.Bench.Ceiling;

/// Wraps the upgraded connection so that the WebSocket's frame writes land in one buffer, sent with a single
/// write by <see cref="FlushOutAsync"/>: every frame queued for a socket goes out in one syscall, not one each.
/// Reads pass straight through.
internal sealed class CoalescingWriteStream(Stream inner) : Stream
{
    private readonly object _gate = new();
    private byte[] _pending = ArrayPool<byte>.Shared.Rent(4096);
    private int _length;

    public int PendingBytes => Volatile.Read(ref _length);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            if (_length + buffer.Length > _pending.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_pending.Length * 2, _length + buffer.Length));
                _pending.AsSpan(0, _length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_pending);
                _pending = bigger;
            }
            buffer.CopyTo(_pending.AsSpan(_length));
            _length += buffer.Length;
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    /// Sends what has been buffered. Only the connection's writer loop calls this, so sends never overlap.
    public async ValueTask FlushOutAsync(CancellationToken ct)
    {
        byte[] batch;
        int length;
        lock (_gate)
        {
            if (_length == 0) return;
            batch = _pending;
            length = _length;
            _pending = ArrayPool<byte>.Shared.Rent(4096);
            _length = 0;
        }
        try
        {
            await inner.WriteAsync(batch.AsMemory(0, length), ct);
            await inner.FlushAsync(ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(batch);
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
