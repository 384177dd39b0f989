using System.Text;
using Fatechat.Protocol.EngineIO;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Protocol;

/// <summary>The per-session outbound queue: order, its bounds in frames and bytes, completion, discarding, and the polling GET's wait.</summary>
public sealed class OutboundQueueTests
{
    private static OutboundFrame Frame(int n) => OutboundFrame.Text(Encoding.ASCII.GetBytes($"4{n}"));

    private static string Text(OutboundFrame frame) => Encoding.ASCII.GetString(frame.Payload.Span);

    [Test]
    public void FramesComeOutInOrderAcrossGrowthAndWrapAround()
    {
        var queue = new OutboundQueue(capacity: 100);
        var read = new List<string>();
        int written = 0;
        // Interleaved writes and reads move the head around the ring while it grows.
        for (int round = 0; round < 20; round++)
        {
            for (int i = 0; i < round % 7 + 1; i++)
            {
                Assert.That(queue.TryWrite(Frame(written++)), Is.True);
            }

            for (int i = 0; i < round % 3 + 1 && queue.TryRead(out var frame); i++)
            {
                read.Add(Text(frame));
            }
        }

        while (queue.TryRead(out var frame))
        {
            read.Add(Text(frame));
        }

        Assert.That(read, Is.EqualTo(Enumerable.Range(0, written).Select(n => $"4{n}")));
        Assert.That(queue.Count, Is.Zero);
    }

    [Test]
    public void WritesBeyondTheCapacityAreRefused()
    {
        var queue = new OutboundQueue(capacity: 5);
        for (int i = 0; i < 5; i++)
        {
            Assert.That(queue.TryWrite(Frame(i)), Is.True);
        }

        Assert.That(queue.TryWrite(Frame(5)), Is.False);
        Assert.That(queue.TryRead(out _), Is.True);
        Assert.That(queue.TryWrite(Frame(6)), Is.True);
        Assert.That(queue.Count, Is.EqualTo(5));
    }

    [Test]
    public void WritesBeyondTheByteBoundAreRefusedUntilReadsMakeRoom()
    {
        var queue = new OutboundQueue(capacity: 100, maxBytes: 1000);
        var frame = OutboundFrame.Text(new byte[400]);

        Assert.That(queue.TryWrite(frame), Is.True);
        Assert.That(queue.TryWrite(frame), Is.True);
        Assert.That(queue.TryWrite(frame), Is.False, "1,200 bytes would be over the bound");
        Assert.That(queue.Bytes, Is.EqualTo(800));
        Assert.That(queue.TryRead(out _), Is.True);
        Assert.That(queue.Bytes, Is.EqualTo(400));
        Assert.That(queue.TryWrite(frame), Is.True);
    }

    [Test]
    public void AttachmentsCountTowardsTheByteBound()
    {
        var queue = new OutboundQueue(capacity: 100, maxBytes: 1000);
        var small = OutboundFrame.Text(new byte[10]);
        var withAttachments = new OutboundFrame(new byte[10], false, [new byte[500], new byte[490]]);

        Assert.That(queue.TryWrite(small), Is.True);
        Assert.That(queue.TryWrite(withAttachments), Is.False, "10 + 10 + 500 + 490 bytes");
        Assert.That(queue.TryRead(out _), Is.True);
        Assert.That(queue.TryWrite(withAttachments), Is.True);
        Assert.That(queue.Bytes, Is.EqualTo(1000));
    }

    [Test]
    public void OneFrameLargerThanTheByteBoundPassesAnEmptyQueueOnly()
    {
        var queue = new OutboundQueue(capacity: 100, maxBytes: 1000);
        var huge = OutboundFrame.Text(new byte[5000]);

        Assert.That(queue.TryWrite(huge), Is.True, "else it could never be delivered");
        Assert.That(queue.TryWrite(Frame(1)), Is.False);
        Assert.That(queue.TryRead(out _), Is.True);
        Assert.That(queue.TryWrite(Frame(2)), Is.True);
        Assert.That(queue.TryWrite(huge), Is.False);
    }

    [Test]
    public async Task DiscardDropsWhatIsQueuedAndEndsTheWait()
    {
        var queue = new OutboundQueue(capacity: 10, maxBytes: 1000);
        queue.TryWrite(Frame(1));
        queue.TryWrite(Frame(2));

        queue.Discard();

        Assert.That((queue.Count, queue.Bytes, queue.IsDone), Is.EqualTo((0, 0L, true)));
        Assert.That(queue.TryRead(out _), Is.False);
        Assert.That(queue.TryWrite(Frame(3)), Is.False);
        Assert.That(await queue.WaitToReadAsync(CancellationToken.None).WithTimeout(), Is.False);
    }

    [Test]
    public void CompletedQueueRefusesWritesAndIsDoneOnceDrained()
    {
        var queue = new OutboundQueue(capacity: 10);
        queue.TryWrite(Frame(1));
        queue.Complete();

        Assert.That(queue.TryWrite(Frame(2)), Is.False);
        Assert.That(queue.IsDone, Is.False, "a queued frame is still to be read");
        Assert.That(queue.TryRead(out var last), Is.True);
        Assert.That(Text(last), Is.EqualTo("41"));
        Assert.That(queue.IsDone, Is.True);
    }

    [Test]
    public async Task WaitEndsWithTrueWhenAFrameArrives()
    {
        var queue = new OutboundQueue(capacity: 10);
        var waiting = queue.WaitToReadAsync(CancellationToken.None);
        Assert.That(waiting.IsCompleted, Is.False);

        queue.TryWrite(Frame(1));

        Assert.That(await waiting.WithTimeout(), Is.True);
    }

    [Test]
    public async Task WaitEndsWithFalseWhenTheQueueCompletesEmpty()
    {
        var queue = new OutboundQueue(capacity: 10);
        var waiting = queue.WaitToReadAsync(CancellationToken.None);

        queue.Complete();

        Assert.That(await waiting.WithTimeout(), Is.False);
        Assert.That(await queue.WaitToReadAsync(CancellationToken.None), Is.False);
    }

    [Test]
    public void WaitIsCancelledWithItsToken()
    {
        var queue = new OutboundQueue(capacity: 10);
        using var cancel = new CancellationTokenSource();
        var waiting = queue.WaitToReadAsync(cancel.Token);

        cancel.Cancel();

        Assert.That(async () => await waiting, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(queue.TryWrite(Frame(1)), Is.True, "a cancelled wait leaves the queue usable");
    }
}
