using System.Collections.Concurrent;
using Fatechat.Protocol.EngineIO;
using Fatechat.Protocol.SocketIO;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Protocol;

/// <summary>
/// Ordered dispatch: one socket's events reach their handlers one at a time, in arrival order, even when a handler
/// awaits; a disconnect cancels the running handler's token, drops the events still waiting, and runs the disconnect
/// handlers after the running handler is over. A namespace may opt into concurrent handlers instead.
/// </summary>
public sealed class EventOrderTests : ConformanceHostFixture
{
    private const string Ordered = "/ordered";
    private const string Concurrent = "/concurrent";

    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _journal = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _released = new();
    private readonly ConcurrentDictionary<string, string> _reasons = new();

    [OneTimeSetUp]
    public void RegisterHandlers()
    {
        foreach (var (name, concurrent) in new[] { (Ordered, false), (Concurrent, true) })
        {
            var ns = Io.Of(name);
            ns.HandleEventsConcurrently = concurrent;
            ns.OnConnection(socket => socket.OnDisconnect(reason =>
            {
                _reasons[socket.Id] = reason;
                Journal(socket).Enqueue("disconnect handler");
            }));
            // Later events wait less: run concurrently, they would finish in reverse order.
            ns.On<int>("work", async (socket, n, ack, cancellation) =>
            {
                Journal(socket).Enqueue($"start {n}");
                await Task.Delay(TimeSpan.FromMilliseconds((5 - n) * 40), cancellation);
                Journal(socket).Enqueue($"end {n}");
                ack?.Send(n);
            });
            // Waits until the test releases it or the socket disconnects.
            ns.On<string>("hold", async (socket, _, ack, cancellation) =>
            {
                Journal(socket).Enqueue("hold");
                try
                {
                    await Released(socket).Task.WaitAsync(cancellation);
                }
                catch (OperationCanceledException)
                {
                    Journal(socket).Enqueue("hold cancelled");
                    throw;
                }

                ack?.Send("released");
            });
            ns.On<string>("after", (socket, _, ack, _) =>
            {
                Journal(socket).Enqueue("after");
                ack?.Send("after");
                return Task.CompletedTask;
            });
        }
    }

    [Test]
    public async Task EventsOfOneSocketAreHandledOneAtATimeInArrivalOrder()
    {
        var (socketId, acks) = await SendFiveWorkEventsAsync(Ordered);

        Assert.That(acks, Is.EqualTo(Enumerable.Range(0, 5).Select(n => $"43{Ordered},{n}[{n}]")));
        Assert.That(_journal[socketId].Take(10), Is.EqualTo(Enumerable.Range(0, 5).SelectMany(n => new[] { $"start {n}", $"end {n}" })),
            "each handler starts after the one before it has finished");
    }

    [Test]
    public async Task ConcurrentNamespaceStartsEveryHandlerAsItsPacketArrives()
    {
        var (socketId, acks) = await SendFiveWorkEventsAsync(Concurrent);

        Assert.That(acks, Is.EqualTo(Enumerable.Range(0, 5).Reverse().Select(n => $"43{Concurrent},{n}[{n}]")),
            "the shortest wait answers first");
        Assert.That(_journal[socketId].Take(5), Is.EquivalentTo(Enumerable.Range(0, 5).Select(n => $"start {n}")));
    }

    [Test]
    public async Task DisconnectCancelsTheRunningHandlerDropsWaitingEventsThenRunsDisconnectHandlers()
    {
        var (client, socketId) = await ConnectNamespaceAsync(Ordered);
        await client.SendAsync($"42{Ordered},1[\"hold\",\"x\"]");
        await client.SendAsync($"42{Ordered},2[\"after\",\"x\"]");
        await AsyncTimeout.UntilAsync(() => Journal(socketId).Contains("hold"), "the first handler runs");

        await client.DisposeAsync();

        await AsyncTimeout.UntilAsync(() => Journal(socketId).Contains("disconnect handler"), "the disconnect handler runs", TimeSpan.FromSeconds(10));
        await Task.Delay(200);
        Assert.That(Journal(socketId), Is.EqualTo(new[] { "hold", "hold cancelled", "disconnect handler" }),
            "the waiting event never ran, and the disconnect handler came after the cancelled one");
        Assert.That(Logs.Errors, Is.Empty, "a handler cancelled by its disconnect is not an error");
    }

    [Test]
    public async Task EventWaitingBehindAHandlerRunsOnceItFinishes()
    {
        var (client, socketId) = await ConnectNamespaceAsync(Ordered);
        await using var _ = client;
        await client.SendAsync($"42{Ordered},1[\"hold\",\"x\"]");
        await client.SendAsync($"42{Ordered},2[\"after\",\"x\"]");
        await AsyncTimeout.UntilAsync(() => Journal(socketId).Contains("hold"), "the first handler runs");
        await Task.Delay(200);
        Assert.That(Journal(socketId), Is.EqualTo(new[] { "hold" }), "the second event waits");

        Released(socketId).SetResult();

        var acks = await client.ReceiveSkippingPingsAsync(2);
        Assert.That(acks.Select(a => a.Text), Is.EqualTo(new[] { $"43{Ordered},1[\"released\"]", $"43{Ordered},2[\"after\"]" }));
    }

    // Each flood frame keeps the comma after its namespace: without it the namespace runs to the first comma of the
    // payload and the frame is a parse error (SocketIOPacketParserTests.NamespaceRunsToTheFirstCommaEvenInsideThePayload),
    // which closes the connection at the first frame; the flooder's sends then race that close. The close reason
    // and the queue-full warning are asserted so that the flood is what closed it.
    [Test]
    public async Task TooManyEventsWaitingClosesOnlyThatConnection()
    {
        var (flooder, socketId) = await ConnectNamespaceAsync(Ordered);
        await using var _ = flooder;
        var (bystander, _) = await ConnectNamespaceAsync(Ordered);
        await using var __ = bystander;
        await flooder.SendAsync($"42{Ordered},1[\"hold\",\"x\"]");
        await AsyncTimeout.UntilAsync(() => Journal(socketId).Contains("hold"), "the first handler runs");

        int sent = 0;
        try
        {
            for (; sent <= Io.Options.MaxQueuedEvents; sent++)
            {
                await flooder.SendAsync($"42{Ordered},[\"after\",\"x\"]");
            }
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or IOException)
        {
            // The server may close while the last frames are still on their way: a broken pipe is that close.
        }

        Assert.That(sent, Is.GreaterThanOrEqualTo(Io.Options.MaxQueuedEvents), () => $"the connection stayed open while at most MaxQueuedEvents waited; close {flooder.CloseStatus}; reason {_reasons.GetValueOrDefault(socketId)}; logs: {string.Join(" | ", Logs.Entries)}");
        await flooder.WaitForCloseAsync(TimeSpan.FromSeconds(10));
        await AsyncTimeout.UntilAsync(() => _reasons.ContainsKey(socketId), "the flooder's disconnect handler runs");
        Assert.That(_reasons[socketId], Is.EqualTo(CloseReasons.ForcedClose), "closed by the full queue, not by a parse error");
        Assert.That(Logs.Entries.Select(e => e.Message), Has.Some.Contains($"more than {Io.Options.MaxQueuedEvents} events waiting"));
        Assert.That(Journal(socketId), Does.Contain("hold cancelled"));
        Assert.That(Journal(socketId), Does.Not.Contain("after"), "nothing that waited ran");
        await bystander.SendAsync($"42{Ordered},9[\"after\",\"x\"]");
        Assert.That((await bystander.ReceiveSkippingPingsAsync(1))[0].Text, Is.EqualTo($"43{Ordered},9[\"after\"]"));
    }

    /// <summary>Sends <c>work</c> 0 to 4 with acks on one new socket of <paramref name="nsp"/>; the acks in the order they came.</summary>
    private async Task<(string SocketId, IEnumerable<string?> Acks)> SendFiveWorkEventsAsync(string nsp)
    {
        var (client, socketId) = await ConnectNamespaceAsync(nsp);
        await using var _ = client;
        for (int n = 0; n < 5; n++)
        {
            await client.SendAsync($"42{nsp},{n}[\"work\",{n}]");
        }

        var acks = await client.ReceiveSkippingPingsAsync(5, TimeSpan.FromSeconds(10));
        return (socketId, acks.Select(a => a.Text));
    }

    private ConcurrentQueue<string> Journal(SocketIOSocket socket) => Journal(socket.Id);

    private ConcurrentQueue<string> Journal(string socketId) => _journal.GetOrAdd(socketId, _ => new ConcurrentQueue<string>());

    private TaskCompletionSource Released(SocketIOSocket socket) => Released(socket.Id);

    private TaskCompletionSource Released(string socketId) =>
        _released.GetOrAdd(socketId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
