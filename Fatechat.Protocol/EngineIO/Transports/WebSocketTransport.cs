using System.Buffers;
using System.Net.WebSockets;

namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>
/// The WebSocket transport: one Engine.IO packet per frame, text or binary
/// (https://github.com/socketio/engine.io-protocol#websocket). One reader loop and one writer loop per socket;
/// the writer is the only caller of <c>SendAsync</c>.
/// </summary>
internal static class WebSocketTransport
{
    private const int InitialReceiveBuffer = 4096;

    /// <summary>Runs a session that started on WebSocket (no upgrade).</summary>
    public static async Task RunAsync(EngineConnection connection, WebSocket socket, ReadOnlyMemory<byte> openPacket, int maxPayload)
    {
        try
        {
            await socket.SendAsync(openPacket, WebSocketMessageType.Text, true, connection.Aborted);
        }
        catch (Exception exception) when (IsTransportFailure(exception))
        {
            connection.Close(CloseReasons.TransportError);
            return;
        }

        Task writer = WriteLoopAsync(connection, socket);
        string reason = await ReadLoopAsync(connection, socket, maxPayload);
        connection.Close(reason);
        await writer;
    }

    /// <summary>
    /// Runs an upgrade of a polling session: <c>2probe</c> → <c>3probe</c>, then <c>5</c> switches the session
    /// over (https://github.com/socketio/engine.io-protocol#upgrade). Anything else, or no <c>5</c> within the
    /// upgrade timeout, drops this WebSocket and leaves the session on polling.
    /// </summary>
    public static async Task RunUpgradeAsync(EngineConnection connection, WebSocket socket, int maxPayload, TimeSpan upgradeTimeout)
    {
        bool upgraded = false;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.Aborted))
        {
            timeout.CancelAfter(upgradeTimeout);
            try
            {
                upgraded = await ProbeAsync(connection, socket, maxPayload, timeout.Token);
            }
            catch (Exception exception) when (IsTransportFailure(exception))
            {
                upgraded = false;
            }
        }

        if (!upgraded)
        {
            connection.CancelUpgrade();
            socket.Abort();
            return;
        }

        connection.CompleteUpgrade();
        Task writer = WriteLoopAsync(connection, socket);
        string reason = await ReadLoopAsync(connection, socket, maxPayload);
        connection.Close(reason);
        await writer;
    }

    private static async Task<bool> ProbeAsync(EngineConnection connection, WebSocket socket, int maxPayload, CancellationToken cancellation)
    {
        bool probed = false;
        while (connection.IsOpen)
        {
            using var message = await ReceiveMessageAsync(socket, maxPayload, cancellation);
            if (message.IsEnd || message.IsBinary)
            {
                return false;
            }

            ReadOnlySpan<byte> text = message.Data.Span;
            if (!probed && text.SequenceEqual("2probe"u8))
            {
                await socket.SendAsync(OutboundFrame.ProbePong.Payload, WebSocketMessageType.Text, true, cancellation);
                connection.BeginUpgrade();
                probed = true;
            }
            else if (probed && text.SequenceEqual("5"u8))
            {
                return true;
            }
            else
            {
                return false;
            }
        }

        return false;
    }

    private static async Task<string> ReadLoopAsync(EngineConnection connection, WebSocket socket, int maxPayload)
    {
        try
        {
            while (connection.IsOpen)
            {
                using var message = await ReceiveMessageAsync(socket, maxPayload, connection.Aborted);
                if (message.IsEnd)
                {
                    return message.TooLarge ? CloseReasons.TransportError : CloseReasons.TransportClose;
                }

                if (message.IsBinary)
                {
                    connection.OnPacket(new EnginePacket(EnginePacketType.Message, message.Data, IsBinary: true));
                }
                else if (EnginePacketParser.TryParseText(message.Data, out EnginePacket packet))
                {
                    connection.OnPacket(packet);
                }
                else
                {
                    return CloseReasons.ParseError;
                }
            }

            return connection.CloseReason ?? CloseReasons.TransportClose;
        }
        catch (Exception exception) when (IsTransportFailure(exception))
        {
            return connection.CloseReason ?? CloseReasons.TransportError;
        }
    }

    /// <summary>
    /// Drains the connection's queue until it is closed and empty, then closes the WebSocket politely. A client
    /// that stops reading is cut off when <see cref="EngineConnection.Aborted"/> fires.
    /// </summary>
    private static async Task WriteLoopAsync(EngineConnection connection, WebSocket socket)
    {
        var outbound = connection.Outbound;
        CancellationToken aborted = connection.Aborted;
        try
        {
            while (await outbound.WaitToReadAsync(aborted))
            {
                while (outbound.TryRead(out OutboundFrame frame))
                {
                    var type = frame.IsBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
                    await socket.SendAsync(frame.Payload, type, true, aborted);
                    if (frame.Attachments is { } attachments)
                    {
                        foreach (ReadOnlyMemory<byte> attachment in attachments)
                        {
                            await socket.SendAsync(attachment, WebSocketMessageType.Binary, true, aborted);
                        }
                    }
                }
            }

            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, aborted);
            }
        }
        catch (Exception exception) when (IsTransportFailure(exception))
        {
            connection.Close(CloseReasons.TransportError);
            socket.Abort();
        }
    }

    /// <summary>
    /// Receives one whole message. It starts with a zero-byte read so that an idle socket holds no buffer
    /// (as ASP.NET Core's WebSocketsServerTransport does); the buffer is rented only once data arrives.
    /// </summary>
    private static async ValueTask<ReceivedMessage> ReceiveMessageAsync(WebSocket socket, int maxPayload, CancellationToken cancellation)
    {
        ValueWebSocketReceiveResult result = await socket.ReceiveAsync(Memory<byte>.Empty, cancellation);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            return ReceivedMessage.End(tooLarge: false);
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
        int length = 0;
        try
        {
            while (!result.EndOfMessage)
            {
                if (length == buffer.Length)
                {
                    if (length >= maxPayload + 1)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, null, cancellation);
                        ArrayPool<byte>.Shared.Return(buffer);
                        return ReceivedMessage.End(tooLarge: true);
                    }

                    byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxPayload + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellation);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return ReceivedMessage.End(tooLarge: false);
                }

                length += result.Count;
                if (length > maxPayload)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, null, cancellation);
                    ArrayPool<byte>.Shared.Return(buffer);
                    return ReceivedMessage.End(tooLarge: true);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        return new ReceivedMessage(buffer, length, result.MessageType == WebSocketMessageType.Binary);
    }

    private static bool IsTransportFailure(Exception exception) =>
        exception is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException
            or Microsoft.AspNetCore.Connections.ConnectionResetException;

    /// <summary>A received message in a rented buffer, returned to the pool on dispose.</summary>
    private readonly struct ReceivedMessage : IDisposable
    {
        private readonly byte[]? _buffer;
        private readonly int _length;

        public ReceivedMessage(byte[] buffer, int length, bool isBinary)
        {
            _buffer = buffer;
            _length = length;
            IsBinary = isBinary;
        }

        private ReceivedMessage(bool tooLarge)
        {
            IsEnd = true;
            TooLarge = tooLarge;
        }

        public bool IsEnd { get; }
        public bool TooLarge { get; }
        public bool IsBinary { get; }
        public ReadOnlyMemory<byte> Data => _buffer.AsMemory(0, _length);

        public static ReceivedMessage End(bool tooLarge) => new(tooLarge);

        public void Dispose()
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }
        }
    }
}
