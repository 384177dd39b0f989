using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>
/// RFC 6455 framing over Kestrel's connection pipes (https://www.rfc-editor.org/rfc/rfc6455#section-5).
/// Reading parses masked client frames straight from the input pipe and assembles messages in a rented buffer,
/// which exists only while a message is arriving. Writing puts unmasked frames into the output pipe; the caller
/// flushes once per batch, so a burst of packets to one client costs one send.
/// </summary>
internal sealed class WebSocketConnection
{

    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private bool _closeSent;

    public WebSocketConnection(PipeReader input, PipeWriter output)
    {
        _input = input;
        _output = output;
    }

    /// <summary>Writers take this around <see cref="WriteFrame(ReadOnlySpan{byte}, bool)"/> and <see cref="FlushAsync"/>: frames never interleave.</summary>
    public SemaphoreSlim WriteLock => _writeLock;

    /// <summary>Appends one unmasked frame to the output pipe; nothing is sent until <see cref="FlushAsync"/>.</summary>
    public void WriteFrame(ReadOnlySpan<byte> payload, bool isBinary) => WriteFrame(payload, isBinary ? WebSocketOpcode.Binary : WebSocketOpcode.Text);

    /// <summary>
    /// Appends one binary frame of <paramref name="prefix"/> followed by <paramref name="payload"/>: Engine.IO v3
    /// puts the packet type before binary data, and the data is not copied to do so.
    /// </summary>
    public void WriteBinaryFrame(byte prefix, ReadOnlySpan<byte> payload)
    {
        WriteHeader(payload.Length + 1, WebSocketOpcode.Binary);
        _output.GetSpan(1)[0] = prefix;
        _output.Advance(1);
        _output.Write(payload);
    }

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellation) => _output.FlushAsync(cancellation);

    /// <summary>Called after a control frame was sent outside the sender, so that it looks at its queue again.</summary>
    public Action? WriteLockReleased { get; set; }

    /// <summary>
    /// Appends a close frame with <paramref name="status"/> and an ASCII <paramref name="reason"/> (a control frame
    /// holds 125 bytes: 2 for the code, the rest for the reason) unless one was already written; the caller holds the lock.
    /// </summary>
    public void WriteCloseFrame(WebSocketCloseStatus status, string reason = "")
    {
        if (_closeSent)
        {
            return;
        }

        _closeSent = true;
        Span<byte> body = stackalloc byte[125];
        BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)status);
        int length = 2 + System.Text.Encoding.ASCII.GetBytes(reason.AsSpan(0, Math.Min(reason.Length, 123)), body[2..]);
        WriteFrame(body[..length], WebSocketOpcode.Close);
    }

    /// <summary>Sends a close frame (once) with <paramref name="status"/>.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, CancellationToken cancellation)
    {
        await _writeLock.WaitAsync(cancellation);
        try
        {
            if (!_closeSent)
            {
                WriteCloseFrame(status);
                await _output.FlushAsync(cancellation);
            }
        }
        finally
        {
            ReleaseWriteLock();
        }
    }

    private void ReleaseWriteLock()
    {
        _writeLock.Release();
        WriteLockReleased?.Invoke();
    }

    /// <summary>
    /// Receives the next whole data message. Pings are answered, pongs ignored; a close frame, the end of the
    /// connection, a protocol violation or a message over <paramref name="maxPayload"/> ends the stream.
    /// </summary>
    /// <remarks>Pooled: an idle socket's read completes later, and a new state machine box per frame was 7 % of the
    /// bytes a busy server allocated. Every caller awaits the result once, as pooling requires.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<WebSocketMessage> ReceiveAsync(int maxPayload, CancellationToken cancellation)
    {
        var assembly = new WebSocketMessageAssembly();
        try
        {
            while (true)
            {
                ReadResult read = await _input.ReadAsync(cancellation);
                ReadOnlySequence<byte> buffer = read.Buffer;
                WebSocketFrameOutcome outcome = ReadFrames(ref buffer, ref assembly, maxPayload, out byte[]? pong);
                _input.AdvanceTo(buffer.Start, outcome == WebSocketFrameOutcome.NeedMore ? buffer.End : buffer.Start);

                if (pong is not null)
                {
                    await SendControlAsync(pong, WebSocketOpcode.Pong, cancellation);
                }

                switch (outcome)
                {
                    case WebSocketFrameOutcome.Message:
                        return assembly.Complete();
                    case WebSocketFrameOutcome.Close:
                        await CloseAsync(WebSocketCloseStatus.NormalClosure, cancellation);
                        return WebSocketMessage.End(WebSocketEnd.ClosedByClient);
                    case WebSocketFrameOutcome.TooLarge:
                        await CloseAsync(WebSocketCloseStatus.MessageTooBig, cancellation);
                        return WebSocketMessage.End(WebSocketEnd.TooLarge);
                    case WebSocketFrameOutcome.ProtocolError:
                        await CloseAsync(WebSocketCloseStatus.ProtocolError, cancellation);
                        return WebSocketMessage.End(WebSocketEnd.ProtocolError);
                }

                if (read.IsCompleted)
                {
                    return WebSocketMessage.End(WebSocketEnd.ClosedByClient);
                }
            }
        }
        finally
        {
            assembly.Release();
        }
    }

    /// <summary>Consumes frames from <paramref name="buffer"/> until a message completes or more bytes are needed.</summary>
    private WebSocketFrameOutcome ReadFrames(ref ReadOnlySequence<byte> buffer, ref WebSocketMessageAssembly assembly, int maxPayload, out byte[]? pong)
    {
        pong = null;
        while (true)
        {
            if (!assembly.InFrame)
            {
                if (!WebSocketFrameHeader.TryRead(ref buffer, out WebSocketFrameHeader header))
                {
                    return WebSocketFrameOutcome.NeedMore;
                }

                WebSocketFrameOutcome? refused = assembly.BeginFrame(header, maxPayload);
                if (refused is { } outcome)
                {
                    return outcome;
                }
            }

            if (!assembly.CopyPayload(ref buffer))
            {
                return WebSocketFrameOutcome.NeedMore;
            }

            switch (assembly.FrameOpcode)
            {
                case WebSocketOpcode.Ping:
                    pong = assembly.TakeControlPayload();
                    continue;
                case WebSocketOpcode.Pong:
                    assembly.TakeControlPayload();
                    continue;
                case WebSocketOpcode.Close:
                    return WebSocketFrameOutcome.Close;
                default:
                    if (assembly.FrameIsFinal)
                    {
                        return WebSocketFrameOutcome.Message;
                    }

                    continue;
            }
        }
    }

    private async ValueTask SendControlAsync(byte[] payload, byte opcode, CancellationToken cancellation)
    {
        await _writeLock.WaitAsync(cancellation);
        try
        {
            if (!_closeSent)
            {
                WriteFrame(payload, opcode);
                await _output.FlushAsync(cancellation);
            }
        }
        finally
        {
            ReleaseWriteLock();
        }
    }

    private void WriteFrame(ReadOnlySpan<byte> payload, byte opcode)
    {
        WriteHeader(payload.Length, opcode);
        _output.Write(payload);
    }

    private void WriteHeader(int length, byte opcode)
    {
        int headerLength = length < 126 ? 2 : length <= ushort.MaxValue ? 4 : 10;
        Span<byte> header = _output.GetSpan(headerLength);
        header[0] = (byte)(0x80 | opcode);
        if (length < 126)
        {
            header[1] = (byte)length;
        }
        else if (length <= ushort.MaxValue)
        {
            header[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)length);
        }
        else
        {
            header[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(header[2..], (ulong)length);
        }

        _output.Advance(headerLength);
    }
}
