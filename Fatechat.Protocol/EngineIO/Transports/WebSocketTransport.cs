using System.IO.Pipelines;
using System.Net.WebSockets;

namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>
/// The WebSocket transport: one Engine.IO packet per frame, text or binary
/// (https://github.com/socketio/engine.io-protocol#websocket). A read loop per socket; frames for the client are
/// sent by a <see cref="WebSocketSender"/> on the thread that queues them.
/// </summary>
internal static class WebSocketTransport
{
    /// <summary>
    /// Runs what <see cref="Admission.Decide"/> admitted, once either door has answered 101: a new session on this
    /// WebSocket, the upgrade of the polling session it names, or a close for a session that cannot take it.
    /// </summary>
    public static async Task ServeAsync(EngineIOServer server, Admission admission, EngineRequest request, WebSocketConnection socket)
    {
        var options = server.Options;
        if (admission.Kind == AdmissionKind.CloseWebSocket)
        {
            await CloseAtOnceAsync(socket, options.MaxPayload, server.CloseGracePeriod);
            return;
        }

        if (admission.Session is { } upgrading)
        {
            try
            {
                // The 101 must be out before the probe is awaited (a no-op where the HTTP layer sent it already).
                await socket.FlushAsync(upgrading.Aborted);
            }
            catch (Exception exception) when (IsTransportFailure(exception))
            {
                // The client left before the 101 went out: the session stays on polling and may try again.
                upgrading.CancelUpgrade();
                return;
            }

            await RunUpgradeAsync(upgrading, socket, options.MaxPayload, TimeSpan.FromMilliseconds(options.UpgradeTimeoutMs));
            return;
        }

        var session = server.Open(request.CreateHandshake(server.UtcNow), EngineConnection.WebSocketName, admission.Protocol, request.SupportsBinary);
        // On the connection door the 101 still waits in the pipe and leaves with the open packet: one send.
        byte[] open = EngineIORequestHandler.OpenPacket(server, session, upgrades: false);
        await RunSessionAsync(session, socket, open, options.MaxPayload);
    }

    /// <summary>
    /// Runs an upgrade of a polling session: <c>2probe</c> → <c>3probe</c>, then <c>5</c> switches the session
    /// over (https://github.com/socketio/engine.io-protocol#upgrade). Anything else, or no <c>5</c> within the
    /// upgrade timeout, drops this WebSocket and leaves the session on polling.
    /// </summary>
    private static async Task RunUpgradeAsync(EngineConnection connection, WebSocketConnection socket, int maxPayload, TimeSpan upgradeTimeout)
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
        await RunSessionAsync(connection, socket, ReadOnlyMemory<byte>.Empty, maxPayload);
    }

    /// <summary>
    /// Sends the close frame (on the connection door the 101 leaves with it), then waits a moment for the client's
    /// own close frame, after which the server ends the TCP connection (RFC 6455 §7.1.1).
    /// </summary>
    private static async Task CloseAtOnceAsync(WebSocketConnection socket, int maxPayload, TimeSpan grace)
    {
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, timeout.Token);
            while (true)
            {
                using var message = await socket.ReceiveAsync(maxPayload, timeout.Token);
                if (message.IsEnd)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (IsTransportFailure(exception))
        {
            // The client left first, or never answered the close: either way the connection ends here.
        }
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

                if (connection.Protocol == 3)
                {
                    if (!EnginePacketParserV3.TryParseFrame(message.Data, message.IsBinary, out EnginePacket packetV3))
                    {
                        return CloseReasons.ParseError;
                    }

                    connection.OnPacket(packetV3);
                }
                else if (message.IsBinary)
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
    /// Sends <paramref name="first"/> (the open packet, if any), then hands the connection's queue to a
    /// <see cref="WebSocketSender"/>: from then on whoever queues a frame sends it.
    /// </summary>
    private static async Task<WebSocketSender?> StartSendingAsync(EngineConnection connection, WebSocketConnection socket, ReadOnlyMemory<byte> first)
    {
        try
        {
            if (!first.IsEmpty)
            {
                await SendNowAsync(socket, first, connection.Aborted);
            }
        }
        catch (Exception exception) when (IsTransportFailure(exception))
        {
            connection.Close(CloseReasons.TransportError);
            return null;
        }

        var sender = new WebSocketSender(connection, socket);
        socket.WriteLockReleased = sender.Pump;
        connection.AttachSender(sender);
        return sender;
    }

    /// <summary>Reads until the session ends, closes it, and waits for the close frame to follow the last queued frame.</summary>
    private static async Task RunSessionAsync(EngineConnection connection, WebSocketConnection socket, ReadOnlyMemory<byte> first, int maxPayload)
    {
        using var logScope = connection.BeginLogScope();
        if (await StartSendingAsync(connection, socket, first) is not { } sender)
        {
            return;
        }

        string reason = await ReadLoopAsync(connection, socket, maxPayload);
        connection.Close(reason);
        await sender.Finished;
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

    internal static bool IsTransportFailure(Exception exception) =>
        exception is OperationCanceledException or IOException or ObjectDisposedException
            or Microsoft.AspNetCore.Connections.ConnectionResetException;
}
