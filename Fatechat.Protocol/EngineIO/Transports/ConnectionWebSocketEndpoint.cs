using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>
/// The connection door: serves engines' WebSocket requests straight from a Kestrel connection, below its HTTP
/// layer. The first request head is read from the connection's bytes, turned into an <see cref="EngineRequest"/>
/// and judged by <see cref="Admission.Decide"/>, the same decision the HTTP door takes. Only the WebSocket outcomes
/// are executed here; frames then go to and from the connection's own pipes, so an idle WebSocket holds no HTTP
/// request, header collections, upgrade stream or second pair of pipes. Everything else — another path, polling,
/// a refusal — is left unread for Kestrel's HTTP layer, where <see cref="EngineIORequestHandler"/> decides again
/// and answers it exactly as it answers requests on connections that reused an HTTP keep-alive.
/// </summary>
internal static class ConnectionWebSocketEndpoint
{
    /// <summary>
    /// Serves the connection when its first request is a WebSocket one of <paramref name="engines"/> admits, and
    /// returns true once the session is over; otherwise returns false with every byte still unread.
    /// </summary>
    public static async Task<bool> TryServeAsync(IReadOnlyList<EngineIOServer> engines, ConnectionContext connection, RequestHeadLimits limits)
    {
        if (await PeekHeadAsync(engines, connection, limits) is not { } admitted)
        {
            return false;
        }

        var (engine, request, admission) = admitted;
        var socket = WebSocketHandshake.Accept(connection.Transport, request.WebSocketKey!);
        await WebSocketTransport.ServeAsync(engine, admission, request, socket);
        return true;
    }

    /// <summary>
    /// Reads until the first request head is whole or is plainly not ours. Nothing is consumed unless the request
    /// is admitted as a WebSocket. When it is not, the reader is left having examined no more than it had before
    /// this read, so Kestrel's next read returns the same bytes at once rather than waiting for more.
    /// </summary>
    private static async Task<(EngineIOServer, EngineRequest, Admission)?> PeekHeadAsync(
        IReadOnlyList<EngineIOServer> engines, ConnectionContext connection, RequestHeadLimits limits)
    {
        var input = connection.Transport.Input;
        using var timeout = new CancellationTokenSource(HeadTimeout(engines));
        SequencePosition? examinedBefore = null;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            var buffer = read.Buffer;
            var scan = Scan(engines, buffer, limits, out EngineIOServer? engine, out WebSocketRequestHead? head);
            if (scan == RequestHeadScan.Incomplete && !read.IsCompleted && !read.IsCanceled)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                examinedBefore = buffer.End;
                continue;
            }

            if (scan == RequestHeadScan.Complete)
            {
                var request = EngineRequest.From(head!, connection, engine!.Options.Path);
                var admission = Admission.Decide(engine, request);
                if (admission.IsWebSocket)
                {
                    input.AdvanceTo(buffer.GetPosition(head!.Length));
                    return (engine, request, admission);
                }
            }

            input.AdvanceTo(buffer.Start, examinedBefore ?? buffer.Start);
            return null;
        }
    }

    /// <summary>The first engine whose path the head is for; Incomplete while any engine could still match.</summary>
    private static RequestHeadScan Scan(
        IReadOnlyList<EngineIOServer> engines, in ReadOnlySequence<byte> buffer, RequestHeadLimits limits, out EngineIOServer? engine, out WebSocketRequestHead? head)
    {
        var result = RequestHeadScan.NotOurs;
        foreach (var candidate in engines)
        {
            var scan = WebSocketRequestHead.TryParse(buffer, candidate.Options.Path, limits, out head);
            if (scan == RequestHeadScan.Complete)
            {
                engine = candidate;
                return scan;
            }

            if (scan == RequestHeadScan.Incomplete)
            {
                result = scan;
            }
        }

        engine = null;
        head = null;
        return result;
    }

    /// <summary>Which engine a head is for is known only once it arrives: the longest of their timeouts applies.</summary>
    private static TimeSpan HeadTimeout(IReadOnlyList<EngineIOServer> engines)
    {
        int milliseconds = 0;
        foreach (var engine in engines)
        {
            milliseconds = Math.Max(milliseconds, engine.Options.RequestHeadTimeoutMs);
        }

        return TimeSpan.FromMilliseconds(milliseconds);
    }
}
