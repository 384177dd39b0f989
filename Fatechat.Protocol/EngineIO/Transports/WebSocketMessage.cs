using System.Buffers;

namespace Fatechat.Protocol.EngineIO.Transports;

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
