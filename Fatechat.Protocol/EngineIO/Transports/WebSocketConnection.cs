using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;

namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>
/// RFC 6455 framing over Kestrel's connection pipes (https://www.rfc-editor.org/rfc/rfc6455#section-5).
/// Reading parses masked client frames straight from the input pipe and assembles messages in a rented buffer,
/// which exists only while a message is arriving. Writing puts unmasked frames into the output pipe; the caller
/// flushes once per batch, so a burst of packets to one client costs one send.
/// </summary>
internal sealed class WebSocketConnection
{
    private const byte OpContinuation = 0x0;
    private const byte OpText = 0x1;
    private const byte OpBinary = 0x2;
    private const byte OpClose = 0x8;
    private const byte OpPing = 0x9;
    private const byte OpPong = 0xA;
    private const int MaxHeaderLength = 14;
    private const int MaxControlPayload = 125;

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
    public void WriteFrame(ReadOnlySpan<byte> payload, bool isBinary) => WriteFrame(payload, isBinary ? OpBinary : OpText);

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellation) => _output.FlushAsync(cancellation);

    /// <summary>Called after a control frame was sent outside the sender, so that it looks at its queue again.</summary>
    public Action? WriteLockReleased { get; set; }

    /// <summary>Appends a close frame with <paramref name="status"/> unless one was already written; the caller holds the lock.</summary>
    public void WriteCloseFrame(ushort status)
    {
        if (_closeSent)
        {
            return;
        }

        _closeSent = true;
        Span<byte> code = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(code, status);
        WriteFrame(code, OpClose);
    }

    /// <summary>Sends a close frame (once) with <paramref name="status"/>.</summary>
    public async Task CloseAsync(ushort status, CancellationToken cancellation)
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
    public async ValueTask<WebSocketMessage> ReceiveAsync(int maxPayload, CancellationToken cancellation)
    {
        var assembly = new MessageAssembly();
        try
        {
            while (true)
            {
                ReadResult read = await _input.ReadAsync(cancellation);
                ReadOnlySequence<byte> buffer = read.Buffer;
                FrameOutcome outcome = ReadFrames(ref buffer, ref assembly, maxPayload, out byte[]? pong);
                _input.AdvanceTo(buffer.Start, outcome == FrameOutcome.NeedMore ? buffer.End : buffer.Start);

                if (pong is not null)
                {
                    await SendControlAsync(pong, OpPong, cancellation);
                }

                switch (outcome)
                {
                    case FrameOutcome.Message:
                        return assembly.Complete();
                    case FrameOutcome.Close:
                        await CloseAsync(1000, cancellation);
                        return WebSocketMessage.End(WebSocketEnd.ClosedByClient);
                    case FrameOutcome.TooLarge:
                        await CloseAsync(1009, cancellation);
                        return WebSocketMessage.End(WebSocketEnd.TooLarge);
                    case FrameOutcome.ProtocolError:
                        await CloseAsync(1002, cancellation);
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

    private enum FrameOutcome
    {
        NeedMore,
        Message,
        Close,
        TooLarge,
        ProtocolError,
    }

    /// <summary>Consumes frames from <paramref name="buffer"/> until a message completes or more bytes are needed.</summary>
    private FrameOutcome ReadFrames(ref ReadOnlySequence<byte> buffer, ref MessageAssembly assembly, int maxPayload, out byte[]? pong)
    {
        pong = null;
        while (true)
        {
            if (!assembly.InFrame)
            {
                if (!TryReadHeader(ref buffer, out FrameHeader header))
                {
                    return FrameOutcome.NeedMore;
                }

                FrameOutcome? refused = assembly.BeginFrame(header, maxPayload);
                if (refused is { } outcome)
                {
                    return outcome;
                }
            }

            if (!assembly.CopyPayload(ref buffer))
            {
                return FrameOutcome.NeedMore;
            }

            switch (assembly.FrameOpcode)
            {
                case OpPing:
                    pong = assembly.TakeControlPayload();
                    continue;
                case OpPong:
                    assembly.TakeControlPayload();
                    continue;
                case OpClose:
                    return FrameOutcome.Close;
                default:
                    if (assembly.FrameIsFinal)
                    {
                        return FrameOutcome.Message;
                    }

                    continue;
            }
        }
    }

    private static bool TryReadHeader(ref ReadOnlySequence<byte> buffer, out FrameHeader header)
    {
        header = default;
        Span<byte> bytes = stackalloc byte[MaxHeaderLength];
        int available = (int)Math.Min(buffer.Length, MaxHeaderLength);
        if (available < 2)
        {
            return false;
        }

        buffer.Slice(0, available).CopyTo(bytes);
        int length7 = bytes[1] & 0x7F;
        bool masked = (bytes[1] & 0x80) != 0;
        int headerLength = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (masked ? 4 : 0);
        if (available < headerLength)
        {
            return false;
        }

        ulong length = length7 switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]),
            127 => BinaryPrimitives.ReadUInt64BigEndian(bytes[2..]),
            _ => (ulong)length7,
        };
        uint mask = masked ? BinaryPrimitives.ReadUInt32LittleEndian(bytes[(headerLength - 4)..]) : 0;
        header = new FrameHeader(bytes[0], masked, length, mask);
        buffer = buffer.Slice(headerLength);
        return true;
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
        int length = payload.Length;
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
        _output.Write(payload);
    }

    private readonly record struct FrameHeader(byte First, bool Masked, ulong Length, uint Mask)
    {
        public bool IsFinal => (First & 0x80) != 0;
        public bool HasReservedBits => (First & 0x70) != 0;
        public byte Opcode => (byte)(First & 0x0F);
        public bool IsControl => (Opcode & 0x8) != 0;
    }

    /// <summary>The frame being read and the message being assembled from one or more frames.</summary>
    private struct MessageAssembly
    {
        private byte[]? _message;
        private int _length;
        private byte _messageOpcode;
        private byte[]? _control;
        private int _controlLength;
        private long _remaining;
        private uint _mask;
        private int _maskOffset;

        public bool InFrame { get; private set; }
        public byte FrameOpcode { get; private set; }
        public bool FrameIsFinal { get; private set; }

        /// <summary>Checks a header against RFC 6455 §5.2–5.5 and the size limit; null when it may be read.</summary>
        public FrameOutcome? BeginFrame(in FrameHeader header, int maxPayload)
        {
            // Clients must mask; no extension was agreed, so reserved bits must be clear.
            if (!header.Masked || header.HasReservedBits)
            {
                return FrameOutcome.ProtocolError;
            }

            if (header.IsControl)
            {
                if (!header.IsFinal || header.Length > MaxControlPayload || header.Opcode > OpPong)
                {
                    return FrameOutcome.ProtocolError;
                }

                _control = new byte[(int)header.Length];
                _controlLength = 0;
            }
            else
            {
                bool continuing = header.Opcode == OpContinuation;
                if (continuing != (_message is not null) || (!continuing && header.Opcode is not (OpText or OpBinary)))
                {
                    return FrameOutcome.ProtocolError;
                }

                if (header.Length > (ulong)(maxPayload - _length))
                {
                    return FrameOutcome.TooLarge;
                }

                if (!continuing)
                {
                    _messageOpcode = header.Opcode;
                }

                EnsureCapacity(_length + (int)header.Length);
            }

            InFrame = true;
            FrameOpcode = header.Opcode;
            FrameIsFinal = header.IsFinal;
            _remaining = (long)header.Length;
            _mask = header.Mask;
            _maskOffset = 0;
            return null;
        }

        /// <summary>Copies and unmasks what the buffer holds of the frame; true once the frame is complete.</summary>
        public bool CopyPayload(ref ReadOnlySequence<byte> buffer)
        {
            int take = (int)Math.Min(_remaining, buffer.Length);
            if (take > 0)
            {
                Span<byte> target = FrameOpcode >= 0x8
                    ? _control.AsSpan(_controlLength, take)
                    : _message.AsSpan(_length, take);
                buffer.Slice(0, take).CopyTo(target);
                Unmask(target);
                buffer = buffer.Slice(take);
                _remaining -= take;
                if (FrameOpcode >= 0x8)
                {
                    _controlLength += take;
                }
                else
                {
                    _length += take;
                }
            }

            if (_remaining > 0)
            {
                return false;
            }

            InFrame = false;
            return true;
        }

        public byte[] TakeControlPayload()
        {
            byte[] payload = _control ?? [];
            _control = null;
            return payload;
        }

        public WebSocketMessage Complete()
        {
            var message = new WebSocketMessage(_message ?? [], _length, _messageOpcode == OpBinary, returnToPool: _message is not null);
            _message = null;
            _length = 0;
            return message;
        }

        public void Release()
        {
            if (_message is not null)
            {
                ArrayPool<byte>.Shared.Return(_message);
                _message = null;
            }
        }

        private void EnsureCapacity(int capacity)
        {
            if (_message is not null && _message.Length >= capacity)
            {
                return;
            }

            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));
            if (_message is not null)
            {
                _message.AsSpan(0, _length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_message);
            }

            _message = larger;
        }

        private void Unmask(Span<byte> data)
        {
            Span<byte> mask = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(mask, _mask);
            for (int i = 0; i < data.Length; i++)
            {
                data[i] ^= mask[(_maskOffset + i) & 3];
            }

            _maskOffset = (_maskOffset + data.Length) & 3;
        }
    }
}

/// <summary>Why a WebSocket stopped delivering messages.</summary>
internal enum WebSocketEnd
{
    None,
    ClosedByClient,
    TooLarge,
    ProtocolError,
}

/// <summary>A received message in a rented buffer (returned to the pool on dispose), or the end of the stream.</summary>
internal readonly struct WebSocketMessage : IDisposable
{
    private readonly byte[]? _buffer;
    private readonly int _length;
    private readonly bool _pooled;

    public WebSocketMessage(byte[] buffer, int length, bool isBinary, bool returnToPool)
    {
        _buffer = buffer;
        _length = length;
        _pooled = returnToPool;
        IsBinary = isBinary;
    }

    private WebSocketMessage(WebSocketEnd end) => EndReason = end;

    public WebSocketEnd EndReason { get; }
    public bool IsEnd => EndReason != WebSocketEnd.None;
    public bool IsBinary { get; }
    public ReadOnlyMemory<byte> Data => _buffer.AsMemory(0, _length);

    public static WebSocketMessage End(WebSocketEnd reason) => new(reason);

    public void Dispose()
    {
        if (_pooled && _buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
