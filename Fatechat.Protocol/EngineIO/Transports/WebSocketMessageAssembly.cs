using System.Buffers;
using System.Buffers.Binary;

namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>What reading the frames in hand came to.</summary>
internal enum WebSocketFrameOutcome
{
    NeedMore,
    Message,
    Close,
    TooLarge,
    ProtocolError,
}

/// <summary>The frame being read and the message being assembled from one or more frames.</summary>
internal struct WebSocketMessageAssembly
{
    private const int MaxControlPayload = 125;

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
    public WebSocketFrameOutcome? BeginFrame(in WebSocketFrameHeader header, int maxPayload)
    {
        // Clients must mask; no extension was agreed, so reserved bits must be clear.
        if (!header.Masked || header.HasReservedBits)
        {
            return WebSocketFrameOutcome.ProtocolError;
        }

        if (header.IsControl)
        {
            if (!header.IsFinal || header.Length > MaxControlPayload || header.Opcode > WebSocketOpcode.Pong)
            {
                return WebSocketFrameOutcome.ProtocolError;
            }

            _control = new byte[(int)header.Length];
            _controlLength = 0;
        }
        else
        {
            bool continuing = header.Opcode == WebSocketOpcode.Continuation;
            if (continuing != (_message is not null) || (!continuing && header.Opcode is not (WebSocketOpcode.Text or WebSocketOpcode.Binary)))
            {
                return WebSocketFrameOutcome.ProtocolError;
            }

            if (header.Length > (ulong)(maxPayload - _length))
            {
                return WebSocketFrameOutcome.TooLarge;
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
        var message = new WebSocketMessage(_message ?? [], _length, _messageOpcode == WebSocketOpcode.Binary, returnToPool: _message is not null);
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
