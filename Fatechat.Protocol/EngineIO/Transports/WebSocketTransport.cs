using System.IO.Pipelines;

namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>
/// The WebSocket transport: one Engine.IO packet per frame, text or binary
/// (https://github.com/socketio/engine.io-protocol#websocket). A reader loop and a writer loop per socket; the
/// writer drains everything queued for the client into the pipe and flushes once, so a burst costs one send.
/// </summary>
internal static class WebSocketTransport
{
    /// <summary>Bytes written into the pipe before a flush, so one busy client cannot grow a large batch.</summary>
    private const int MaxBatchBytes = 64 * 1024;

    /// <summary>Runs a session that started on WebSocket (no upgrade).</summary>
    public static async Task RunAsync(EngineConnection connection, WebSocketConnection socket, ReadOnlyMemory<byte> openPacket, int maxPayload)
    {
        Task writer = WriteLoopAsync(connection, socket, openPacket);
        string reason = await ReadLoopAsync(connection, socket, maxPayload);
        connection.Close(reason);
        await writer;
    }

    /// <summary>
    /// Runs an upgrade of a polling session: <c>2probe</c> → <c>3probe</c>, then <c>5</c> switches the session
    /// over (https://github.com/socketio/engine.io-protocol#upgrade). Anything else, or no <c>5</c> within the
    /// upgrade timeout, drops this WebSocket and leaves the session on polling.
    /// </summary>
    public static async Task RunUpgradeAsync(EngineConnection connection, WebSocketConnection socket, int maxPayload, TimeSpan upgradeTimeout)
    {
        bool upgraded;
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
            return;
        }

        connection.CompleteUpgrade();
        Task writer = WriteLoopAsync(connection, socket, ReadOnlyMemory<byte>.Empty);
        string reason = await ReadLoopAsync(connection, socket, maxPayload);
        connection.Close(reason);
        await writer;
    }

    private static async Task<bool> ProbeAsync(EngineConnection connection, WebSocketConnection socket, int maxPayload, CancellationToken cancellation)
    {
        bool probed = false;
        while (connection.IsOpen)
        {
            using var message = await socket.ReceiveAsync(maxPayload, cancellation);
            if (message.IsEnd || message.IsBinary)
            {
                return false;
            }

            ReadOnlySpan<byte> text = message.Data.Span;
            if (!probed && text.SequenceEqual("2probe"u8))
            {
                await SendNowAsync(socket, OutboundFrame.ProbePong.Payload, cancellation);
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

    private static async Task<string> ReadLoopAsync(EngineConnection connection, WebSocketConnection socket, int maxPayload)
    {
        try
        {
            while (connection.IsOpen)
            {
                using var message = await socket.ReceiveAsync(maxPayload, connection.Aborted);
                if (message.IsEnd)
                {
                    return message.EndReason switch
                    {
                        WebSocketEnd.ClosedByClient => CloseReasons.TransportClose,
                        _ => CloseReasons.TransportError,
                    };
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
    /// Drains the connection's queue until it is closed and empty, then sends a close frame. Each wake-up writes
    /// every queued frame (up to <see cref="MaxBatchBytes"/>) and flushes once. A client that stops reading is
    /// cut off when <see cref="EngineConnection.Aborted"/> fires.
    /// </summary>
    private static async Task WriteLoopAsync(EngineConnection connection, WebSocketConnection socket, ReadOnlyMemory<byte> first)
    {
        var outbound = connection.Outbound;
        CancellationToken aborted = connection.Aborted;
        try
        {
            if (!first.IsEmpty)
            {
                await SendNowAsync(socket, first, aborted);
            }

            while (await outbound.WaitToReadAsync(aborted))
            {
                await socket.WriteLock.WaitAsync(aborted);
                FlushResult flushed;
                try
                {
                    int batched = 0;
                    while (batched < MaxBatchBytes && outbound.TryRead(out OutboundFrame frame))
                    {
                        socket.WriteFrame(frame.Payload.Span, frame.IsBinary);
                        batched += frame.Payload.Length;
                        if (frame.Attachments is { } attachments)
                        {
                            foreach (ReadOnlyMemory<byte> attachment in attachments)
                            {
                                socket.WriteFrame(attachment.Span, isBinary: true);
                                batched += attachment.Length;
                            }
                        }
                    }

                    flushed = await socket.FlushAsync(aborted);
                }
                finally
                {
                    socket.WriteLock.Release();
                }

                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    connection.Close(CloseReasons.TransportError);
                    return;
                }
            }

            await socket.CloseAsync(1000, aborted);
        }
        catch (Exception exception) when (IsTransportFailure(exception))
        {
            connection.Close(CloseReasons.TransportError);
        }
    }

    private static async Task SendNowAsync(WebSocketConnection socket, ReadOnlyMemory<byte> text, CancellationToken cancellation)
    {
        await socket.WriteLock.WaitAsync(cancellation);
        try
        {
            socket.WriteFrame(text.Span, isBinary: false);
            await socket.FlushAsync(cancellation);
        }
        finally
        {
            socket.WriteLock.Release();
        }
    }

    private static bool IsTransportFailure(Exception exception) =>
        exception is OperationCanceledException or IOException or ObjectDisposedException
            or Microsoft.AspNetCore.Connections.ConnectionResetException;
}
