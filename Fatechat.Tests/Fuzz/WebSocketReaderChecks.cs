using System.Buffers;
using System.IO.Pipelines;
using Fatechat.Protocol.EngineIO.Transports;

namespace Fatechat.Tests.Fuzz;

/// <summary>What the server's WebSocket reader made of a client byte stream: the messages, and why it stopped.</summary>
internal sealed record ReaderOutcome(List<WireMessage> Messages, WebSocketEnd End)
{
    public override string ToString() => $"{End} after [{string.Join(", ", Messages)}]";
}

/// <summary>
/// Runs <see cref="WebSocketConnection.ReceiveAsync"/> over an in-memory pipe, fed chunk by chunk. Both pipes run
/// their continuations inline and never pause the writer, so the whole exchange is synchronous and deterministic:
/// each chunk is read exactly as a TCP read would deliver it, and a reader that waits for bytes that will never come
/// is seen at once as a receive still pending after the input ended.
/// </summary>
internal static class WebSocketReaderChecks
{
    public static ReaderOutcome Read(IEnumerable<byte[]> chunks, int maxPayload, int segmentSize)
    {
        var input = new Pipe(Inline(segmentSize));
        var output = new Pipe(Inline(4096));
        var socket = new WebSocketConnection(input.Reader, output.Writer);
        var messages = new List<WireMessage>();
        var end = WebSocketEnd.None;
        var receive = socket.ReceiveAsync(maxPayload, CancellationToken.None);

        bool Collect()
        {
            while (receive.IsCompleted)
            {
                using var message = receive.Result;
                if (message.IsEnd)
                {
                    end = message.EndReason;
                    return true;
                }

                Assert.That(message.Data.Length, Is.LessThanOrEqualTo(maxPayload), "a message over maxPayload was delivered");
                messages.Add(new WireMessage(message.IsBinary, message.Data.ToArray()));
                receive = socket.ReceiveAsync(maxPayload, CancellationToken.None);
            }

            return false;
        }

        foreach (byte[] chunk in chunks)
        {
            if (Collect())
            {
                break;
            }

            input.Writer.Write(chunk);
            Assert.That(input.Writer.FlushAsync().IsCompleted, "the input pipe never waits");
        }

        if (end == WebSocketEnd.None)
        {
            input.Writer.Complete();
            Collect();
            Assert.That(end, Is.Not.EqualTo(WebSocketEnd.None), "the reader still waits after the input ended");
        }

        output.Writer.Complete();
        return new ReaderOutcome(messages, end);
    }

    private static PipeOptions Inline(int segmentSize) => new(
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 0,
        minimumSegmentSize: segmentSize,
        useSynchronizationContext: false);
}
