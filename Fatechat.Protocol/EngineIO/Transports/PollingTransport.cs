using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;

namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>
/// HTTP long-polling: a GET waits for queued packets and returns them joined by <c>\x1e</c>; a POST delivers the
/// client's packets (https://github.com/socketio/engine.io-protocol#http-long-polling).
/// </summary>
internal static class PollingTransport
{
    private static readonly byte[] Ok = "ok"u8.ToArray();

    public static async Task HandleGetAsync(HttpContext context, EngineConnection connection)
    {
        using var logScope = connection.BeginLogScope();
        if (!connection.TryBeginPoll(out Task released))
        {
            // Node closes the session on overlapping GETs; the first GET then receives the close packet.
            await EngineIORequestHandler.WriteErrorAsync(context, EngineIOError.BadRequest);
            connection.Close(CloseReasons.TransportError);
            return;
        }

        try
        {
            bool closedBefore = !connection.IsOpen;
            var outbound = connection.Outbound;
            if (outbound.Count == 0)
            {
                Task ready = outbound.WaitToReadAsync(context.RequestAborted);
                await Task.WhenAny(ready, released);
                if (context.RequestAborted.IsCancellationRequested)
                {
                    // Node: "poll connection closed prematurely" ends the session.
                    connection.Close(CloseReasons.TransportError);
                    return;
                }
            }

            await WritePayloadAsync(context, connection, closedBefore);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            connection.Close(CloseReasons.TransportError);
        }
        finally
        {
            connection.EndPoll();
        }
    }

    public static async Task HandlePostAsync(HttpContext context, EngineConnection connection, int maxPayload)
    {
        using var logScope = connection.BeginLogScope();
        if (!connection.TryBeginPost())
        {
            await EngineIORequestHandler.WriteErrorAsync(context, EngineIOError.BadRequest);
            connection.Close(CloseReasons.TransportError);
            return;
        }

        // The body is read only while the session lives: a POST that drips and never ends holds the session's one POST
        // slot, so no pong can arrive and the heartbeat ends the session, and with it this read (a drip faster than
        // Kestrel's MinRequestBodyDataRate would otherwise hold up to maxPayload for as long as it likes).
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, connection.Aborted);
        try
        {
            if (context.Request.ContentLength > maxPayload)
            {
                await RefuseTooLargeAsync(context, connection);
                return;
            }

            if (connection.Protocol == 4 && IsBinaryBody(context))
            {
                // Engine.IO v4 sends binary as base64 text; Node refuses such a body as "invalid content".
                await EngineIORequestHandler.WriteErrorAsync(context, EngineIOError.BadRequest);
                connection.Close(CloseReasons.TransportError);
                return;
            }

            PipeReader body = context.Request.BodyReader;
            ReadResult read;
            while (true)
            {
                read = await body.ReadAsync(reading.Token);
                if (read.Buffer.Length > maxPayload)
                {
                    body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                    await RefuseTooLargeAsync(context, connection);
                    return;
                }

                if (read.IsCompleted)
                {
                    break;
                }

                body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }

            bool parsed = Deliver(connection, read.Buffer, IsBinaryBody(context));
            body.AdvanceTo(read.Buffer.End);
            if (!parsed)
            {
                await EngineIORequestHandler.WriteErrorAsync(context, EngineIOError.BadRequest);
                connection.Close(CloseReasons.ParseError);
                return;
            }

            context.Response.ContentType = "text/html";
            context.Response.ContentLength = Ok.Length;
            await context.Response.Body.WriteAsync(Ok);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or BadHttpRequestException)
        {
            connection.Close(CloseReasons.TransportError);
            if (exception is OperationCanceledException && !context.RequestAborted.IsCancellationRequested)
            {
                // The session ended while the body was still arriving. A response would not end it: Kestrel would go on
                // draining a body that drips for ever, so the connection goes.
                context.Abort();
            }
        }
        finally
        {
            connection.EndPost();
        }
    }

    /// <summary>A v3 client posts binary packets in an <c>application/octet-stream</c> body (v4 sends base64 text).</summary>
    private static bool IsBinaryBody(HttpContext context) =>
        string.Equals(context.Request.ContentType, "application/octet-stream", StringComparison.OrdinalIgnoreCase);

    private static bool Deliver(EngineConnection connection, ReadOnlySequence<byte> buffer, bool isBinaryBody)
    {
        ReadOnlyMemory<byte> body = buffer.IsSingleSegment ? buffer.First : buffer.ToArray();
        var packets = new List<EnginePacket>();
        bool parsed = connection.Protocol == 3
            ? PollingPayloadParserV3.TryParse(body, isBinaryBody, packets)
            : EnginePacketParser.TryParsePayload(body, packets);
        if (!parsed)
        {
            return false;
        }

        foreach (EnginePacket packet in packets)
        {
            if (!connection.IsOpen)
            {
                break;
            }

            connection.OnPacket(packet);
        }

        return true;
    }

    private static async Task RefuseTooLargeAsync(HttpContext context, EngineConnection connection)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        await context.Response.CompleteAsync();
        connection.Close(CloseReasons.TransportError);
    }

    /// <summary>
    /// Answers a GET, in the order Node's polling transport does:
    /// 1. closed for an error, a timeout or by the client: the queue is dropped; "1" (or "6" after the
    ///    client's own close, which this GET may have raced) tells the client;
    /// 2. frames queued: they all go, in one payload (a draining session closes on the next GET);
    /// 3. closed by the server and nothing left: the close packet, after a noop when this GET came after the close;
    /// 4. nothing queued: released by an upgrade, a noop.
    /// </summary>
    private static async Task WritePayloadAsync(HttpContext context, EngineConnection connection, bool closedBefore)
    {
        var payload = PollingPayloadWriter.For(connection);
        bool closedByClient = connection.CloseReason == CloseReasons.TransportClose;
        if (!connection.IsOpen && (!connection.IsDraining || closedByClient))
        {
            var last = closedByClient ? OutboundFrame.Noop : OutboundFrame.Close;
            payload.Add(last.Payload, isBinary: false);
            if (connection.IsDraining)
            {
                connection.FinishDraining();
            }

            await WriteAsync(context, payload);
            return;
        }

        var outbound = connection.Outbound;
        while (outbound.TryRead(out OutboundFrame frame))
        {
            payload.Add(frame.Payload, frame.IsBinary);
            if (frame.Attachments is { } attachments)
            {
                foreach (ReadOnlyMemory<byte> attachment in attachments)
                {
                    payload.Add(attachment, isBinary: true);
                }
            }
        }

        if (payload.IsEmpty && connection.IsDraining)
        {
            if (closedBefore)
            {
                payload.Add(OutboundFrame.Noop.Payload, isBinary: false);
            }

            payload.Add(OutboundFrame.Close.Payload, isBinary: false);
            connection.FinishDraining();
        }
        else if (payload.IsEmpty)
        {
            payload.Add(OutboundFrame.Noop.Payload, isBinary: false);
        }

        await WriteAsync(context, payload);
    }

    public static async Task WriteAsync(HttpContext context, PollingPayloadWriter payload)
    {
        var (body, contentType) = payload.Finish();
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body);
    }
}
