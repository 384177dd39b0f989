using System.Diagnostics;
using System.Net;
using Fatechat.Protocol.EngineIO;
using Fatechat.Protocol.SocketIO;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Protocol;

/// <summary>
/// What one client can make the server hold, in bytes and in time, against the live conformance host with tighter
/// bounds than the suites' (a 512 KiB outbound queue, a 1 s attachment timeout, 1 s + 1 s heartbeats): each bound
/// closes only the client that hit it, lets go of what it held, and a well-behaved client keeps its echo.
/// </summary>
public sealed class ResourceBoundsTests : ConformanceHostFixture
{
    private const int MaxBufferedBytes = 512 * 1024;
    private const int AttachmentTimeoutMs = 1000;
    private const int HeartbeatMs = 1000;

    [SetUp]
    public void ForgetEarlierLogs() => Logs.Clear();

    protected override void Configure(SocketIOOptions options)
    {
        options.Engine.MaxBufferedBytes = MaxBufferedBytes;
        options.Engine.PingIntervalMs = HeartbeatMs;
        options.Engine.PingTimeoutMs = HeartbeatMs;
        options.AttachmentTimeoutMs = AttachmentTimeoutMs;
    }

    [Test]
    public async Task PollingSessionThatNeverReadsIsClosedOnceItsRepliesFillTheByteBound()
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        var (sid, socketId) = await ConnectSocketIOPollingAsync();
        Assert.That(Io.Engine.TryGet(sid, out EngineConnection session), Is.True);
        Task<string> disconnected = DisconnectReasonAsync(socketId);
        // ~20 KB asked for with each POST, as getRecentMessages asks for its rows: replies pile up unread.
        string ask = "42[\"message\",\"" + new string('a', 20_000) + "\"]";

        int posts = 0;
        long peak = 0;
        while (!disconnected.IsCompleted && posts < 200)
        {
            var (status, _) = await SocketIOPolling.PushAsync(sid, ask);
            posts++;
            peak = Math.Max(peak, session.Outbound.Bytes);
            if (status != HttpStatusCode.OK)
            {
                break;
            }
        }

        TestContext.Out.WriteLine($"closed after {posts} POSTs of {ask.Length} bytes; peak queued {peak} bytes; bound {MaxBufferedBytes}");
        Assert.That(await disconnected, Is.EqualTo("outbound queue full"));
        Assert.That(posts, Is.LessThan(200));
        Assert.That(peak, Is.LessThanOrEqualTo(MaxBufferedBytes));
        Assert.That((session.Outbound.Count, session.Outbound.Bytes), Is.EqualTo((0, 0L)), "the queued replies are let go at the close");
        Assert.That((await SocketIOPolling.PollAsync(sid)).Status, Is.EqualTo(HttpStatusCode.BadRequest));
        var warnings = Logs.Entries.Where(e => e.Message.Contains("outbound queue full")).ToList();
        Assert.That(warnings, Has.Count.EqualTo(1), "logged once for the connection");
        Assert.That(warnings[0].Message, Does.Contain(sid));
        Assert.That(warnings[0].Exception, Is.Null);
        await AssertServerHealthyAsync(healthy);
    }

    [Test]
    public async Task TenAttachmentsAreAcceptedAndElevenCloseTheConnection()
    {
        var (client, _) = await ConnectSocketIOAsync();
        await using var __ = client;
        await client.SendAsync(BinaryEvent(10));
        for (byte i = 0; i < 10; i++)
        {
            await client.SendAsync(new[] { i });
        }

        var reply = await client.ReceiveSkippingPingsAsync(11);
        Assert.That(reply[0].Text, Does.StartWith("4510-[\"message-back\""));
        Assert.That(reply.Skip(1).Select(m => m.Binary![0]), Is.EqualTo(Enumerable.Range(0, 10).Select(i => (byte)i)));

        await AssertOnlyOffenderClosedAsync(offender => offender.SendAsync(BinaryEvent(11)), "parse error");
    }

    [Test]
    public Task PendingBinaryPacketOverMaxPayloadClosesOnlyItsConnection() =>
        AssertOnlyOffenderClosedAsync(async offender =>
        {
            // Each attachment fits in a message; together they exceed maxPayload.
            await offender.SendAsync(BinaryEvent(2));
            await offender.SendAsync(new byte[MaxPayload * 6 / 10]);
            await offender.SendAsync(new byte[MaxPayload * 6 / 10]);
        }, "parse error");

    [Test]
    public async Task PendingBinaryPacketThatNeverCompletesIsClosedAfterTheAttachmentTimeout()
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        var (offender, offenderId) = await ConnectSocketIOAsync(autoPong: true);
        await using var __ = offender;
        var clock = Stopwatch.StartNew();

        await offender.SendAsync(BinaryEvent(2));
        await offender.SendAsync(new byte[100_000]);

        Assert.That(await DisconnectReasonAsync(offenderId), Is.EqualTo("parse error"));
        TestContext.Out.WriteLine($"closed {clock.ElapsedMilliseconds} ms after the packet's text part");
        Assert.That(clock.ElapsedMilliseconds, Is.GreaterThanOrEqualTo(AttachmentTimeoutMs - 100).And.LessThan(AsyncTimeout.Default.TotalMilliseconds));
        await AssertServerHealthyAsync(healthy);
    }

    [Test]
    public async Task BinaryPacketOfAClientThatNeverJoinedIsRefusedBeforeItsAttachments()
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        await using var offender = await EngineWebSocketClient.ConnectAsync(WebSocketUri(SocketIOPath), autoPong: true);
        Assert.That(await offender.ReceiveTextAsync(), Does.StartWith("0{"));

        await offender.SendAsync(BinaryEvent(10));

        // Closed on the text part: not one attachment is taken in to wait for a namespace the client is not in.
        await offender.WaitForCloseAsync();
        await AssertServerHealthyAsync(healthy);
    }

    [Test]
    public async Task BinaryPacketAfterARefusedConnectIsRefusedBeforeItsAttachments()
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        Io.Of("/guarded").Use(_ => throw new SocketIOConnectException("not allowed"));
        await using var offender = await EngineWebSocketClient.ConnectAsync(WebSocketUri(SocketIOPath), autoPong: true);
        Assert.That(await offender.ReceiveTextAsync(), Does.StartWith("0{"));
        await offender.SendAsync("40/guarded,");
        Assert.That(await offender.ReceiveTextAsync(), Is.EqualTo("44/guarded,{\"message\":\"not allowed\"}"));

        await offender.SendAsync("4510-/guarded,[\"message\"" + string.Concat(Enumerable.Range(0, 10).Select(i => $",{{\"_placeholder\":true,\"num\":{i}}}")) + "]");

        await offender.WaitForCloseAsync();
        await AssertServerHealthyAsync(healthy);
    }

    [Test]
    public async Task ThousandsOfHalfOpenHandshakesExpireAndTheSessionStoreEmpties()
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        const int Handshakes = 3000;
        long memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        int peakSessions = 0;

        // Opened and never polled: no pong ever comes, on either engine (the echo's heartbeat is 300 + 200 ms).
        int opened = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, Handshakes), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var polling = i % 2 == 0 ? SocketIOPolling : EnginePolling;
            await polling.OpenAsync();
            Interlocked.Increment(ref opened);
            int now = Io.Engine.SessionCount + EchoEngine.SessionCount;
            int seen;
            while ((seen = Volatile.Read(ref peakSessions)) < now && Interlocked.CompareExchange(ref peakSessions, now, seen) != seen)
            {
            }
        });
        long memoryOpen = GC.GetTotalMemory(forceFullCollection: false);

        await AsyncTimeout.UntilAsync(() => Io.Engine.SessionCount == 1 && EchoEngine.SessionCount == 0,
            "every half-open session has expired", TimeSpan.FromSeconds(30));
        long memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        TestContext.Out.WriteLine(
            $"{opened} handshakes; at most {peakSessions} sessions at once; managed heap {memoryBefore / 1024} KiB before, " +
            $"{memoryOpen / 1024} KiB while open, {memoryAfter / 1024} KiB after they expired");
        Assert.That(opened, Is.EqualTo(Handshakes));
        Assert.That(memoryAfter - memoryBefore, Is.LessThan(64L * 1024 * 1024), "what the sessions held is returned");
        await AssertServerHealthyAsync(healthy);
    }

    /// <summary><c>45n-["message",{placeholder 0},…]</c>: a binary event announcing <paramref name="count"/> attachments.</summary>
    private static string BinaryEvent(int count) =>
        $"45{count}-[\"message\"" + string.Concat(Enumerable.Range(0, count).Select(i => $",{{\"_placeholder\":true,\"num\":{i}}}")) + "]";

    private async Task AssertOnlyOffenderClosedAsync(Func<EngineWebSocketClient, Task> offend, string expectedReason)
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        var (offender, offenderId) = await ConnectSocketIOAsync();
        await using var __ = offender;

        await offend(offender);

        await offender.WaitForCloseAsync();
        Assert.That(await DisconnectReasonAsync(offenderId), Is.EqualTo(expectedReason));
        await AssertServerHealthyAsync(healthy);
    }
}
