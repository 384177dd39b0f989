using System.Collections.Concurrent;
using Fatechat.Server.Caching;
using Fatechat.Server.Chat;
using Fatechat.Server.Messaging;
using Fatechat.Server.Options;
using Fatechat.Server.Private;
using Fatechat.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fatechat.Tests.Adapters;

/// <summary>
/// The send side of client message ids, without sockets: attempts of one send (as socket.io-client's retries make
/// them, on one node or two sharing the store) against a bus whose publish can be held back or made to fail.
/// </summary>
[TestFixture]
public sealed class ClientMessagePublisherTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private GatedBus _bus = null!;
    private IClientMessageIdStore _store = null!;

    [SetUp]
    public void CreateBusAndStore()
    {
        _bus = new GatedBus();
        _store = new InMemoryClientMessageIdStore(TimeProvider.System);
    }

    private ClientMessagePublisher Node(TimeProvider? time = null, IClientMessageIdStore? store = null) => new(
        _bus, store ?? _store, Microsoft.Extensions.Options.Options.Create(new ChatOptions()), time ?? TimeProvider.System,
        NullLogger<ClientMessagePublisher>.Instance);

    /// <summary>A new attempt of the same send: same sender, room, text and client id, a new message id.</summary>
    private static RoomMessagePosted Attempt(string room, string sender, string clientMessageId, string text = "hello") =>
        new(AdapterTestData.Message(room, text, sender: sender) with { ClientMessageId = clientMessageId });

    [Test]
    public async Task SendsWithoutAClientIdArePublishedEveryTime()
    {
        var room = AdapterTestData.RoomName();
        var first = new RoomMessagePosted(AdapterTestData.Message(room, "same"));
        var second = new RoomMessagePosted(AdapterTestData.Message(room, "same"));

        Assert.That(await Node().PublishAsync(first, CancellationToken.None), Is.EqualTo(SendOutcome.Accepted(first.Message.Id)));
        Assert.That(await Node().PublishAsync(second, CancellationToken.None), Is.EqualTo(SendOutcome.Accepted(second.Message.Id)));
        Assert.That(_bus.Published, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task ARetryOnAnotherNodeIsAnsweredWithTheFirstIdAndNotPublishedAgain()
    {
        var (room, alice) = (AdapterTestData.RoomName(), AdapterTestData.Email("alice"));
        var first = Attempt(room, alice, "c-1");

        Assert.That(await Node().PublishAsync(first, CancellationToken.None), Is.EqualTo(SendOutcome.Accepted(first.Message.Id)));
        Assert.That(await Node().PublishAsync(Attempt(room, alice, "c-1"), CancellationToken.None), Is.EqualTo(SendOutcome.Accepted(first.Message.Id)));
        Assert.That(await Node().PublishAsync(Attempt(room, AdapterTestData.Email("bob"), "c-1"), CancellationToken.None), Has.Property("Refusal").Null,
            "another sender's id of the same spelling is another send");
        Assert.That(_bus.Published, Has.Count.EqualTo(2));
        Assert.That(((RoomMessagePosted)_bus.Published.First()).Message.ClientMessageId, Is.EqualTo("c-1"), "the client id travels with the message");
    }

    [Test]
    public async Task APrivateRetryIsAnsweredWithTheFirstIdAndNotPublishedAgain()
    {
        var (alice, bob) = (AdapterTestData.Email("alice"), AdapterTestData.Email("bob"));
        var first = new PrivateMessagePosted(AdapterTestData.Private(alice, bob) with { ClientMessageId = "p-1" });
        var retry = new PrivateMessagePosted(AdapterTestData.Private(alice, bob) with { ClientMessageId = "p-1" });

        Assert.That(await Node().PublishAsync(first, CancellationToken.None), Is.EqualTo(SendOutcome.Accepted(first.Message.Id)));
        Assert.That(await Node().PublishAsync(retry, CancellationToken.None), Is.EqualTo(SendOutcome.Accepted(first.Message.Id)));
        Assert.That(_bus.Published, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AClientIdReusedForAnotherMessageIsRefused()
    {
        var (room, alice) = (AdapterTestData.RoomName(), AdapterTestData.Email("alice"));
        await Node().PublishAsync(Attempt(room, alice, "c-1", "first text"), CancellationToken.None);

        var otherText = await Node().PublishAsync(Attempt(room, alice, "c-1", "other text"), CancellationToken.None);
        var otherRoom = await Node().PublishAsync(Attempt(AdapterTestData.RoomName(), alice, "c-1", "first text"), CancellationToken.None);
        var asPrivate = await Node().PublishAsync(
            new PrivateMessagePosted(AdapterTestData.Private(alice, AdapterTestData.Email()) with { ClientMessageId = "c-1" }), CancellationToken.None);

        foreach (var outcome in new[] { otherText, otherRoom, asPrivate })
        {
            Assert.That(outcome.Refusal, Is.EqualTo("clientMessageId c-1 was already used for another message"));
        }

        Assert.That(_bus.Published, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ARetryWhileTheFirstIsStillPublishingWaitsForItAndGetsItsId()
    {
        var (room, alice) = (AdapterTestData.RoomName(), AdapterTestData.Email("alice"));
        var first = Attempt(room, alice, "c-1");
        _bus.Hold();
        var firstSend = Node().PublishAsync(first, CancellationToken.None);
        await AsyncTimeout.UntilAsync(() => _bus.Started == 1, "the first publish started", Timeout);

        var retry = Node().PublishAsync(Attempt(room, alice, "c-1"), CancellationToken.None);
        await Task.Delay(200);
        Assert.That(retry.IsCompleted, Is.False, "the retry waits for the first attempt's outcome");

        _bus.Release();
        Assert.That(await firstSend.WaitAsync(Timeout), Is.EqualTo(SendOutcome.Accepted(first.Message.Id)));
        Assert.That(await retry.WaitAsync(Timeout), Is.EqualTo(SendOutcome.Accepted(first.Message.Id)));
        Assert.That(_bus.Published, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AFailedPublishFreesTheClientIdSoTheRetryGoesThrough()
    {
        var (room, alice) = (AdapterTestData.RoomName(), AdapterTestData.Email("alice"));
        _bus.FailNext();

        Assert.ThrowsAsync<InvalidOperationException>(() => Node().PublishAsync(Attempt(room, alice, "c-1"), CancellationToken.None));
        var retry = Attempt(room, alice, "c-1");
        Assert.That(await Node().PublishAsync(retry, CancellationToken.None), Is.EqualTo(SendOutcome.Accepted(retry.Message.Id)));
        Assert.That(_bus.Published.Select(e => ((RoomMessagePosted)e).Message.Id), Is.EqualTo(new[] { retry.Message.Id }));
    }

    [Test]
    public async Task AFailedPublishThatARetryWasWaitingForLetsTheRetryPublish()
    {
        var (room, alice) = (AdapterTestData.RoomName(), AdapterTestData.Email("alice"));
        _bus.Hold();
        _bus.FailNext();
        var firstSend = Node().PublishAsync(Attempt(room, alice, "c-1"), CancellationToken.None);
        await AsyncTimeout.UntilAsync(() => _bus.Started == 1, "the first publish started", Timeout);
        var retry = Attempt(room, alice, "c-1");
        var retrySend = Node().PublishAsync(retry, CancellationToken.None);
        await Task.Delay(100);

        _bus.Release();

        Assert.ThrowsAsync<InvalidOperationException>(() => firstSend.WaitAsync(Timeout));
        Assert.That(await retrySend.WaitAsync(Timeout), Is.EqualTo(SendOutcome.Accepted(retry.Message.Id)));
        Assert.That(_bus.Published, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ASocketThatGoesAwayMidPublishStillSettlesItsClaim()
    {
        var (room, alice) = (AdapterTestData.RoomName(), AdapterTestData.Email("alice"));
        var first = Attempt(room, alice, "c-1");
        using var socket = new CancellationTokenSource();
        _bus.Hold();
        var firstSend = Node().PublishAsync(first, socket.Token);
        await AsyncTimeout.UntilAsync(() => _bus.Started == 1, "the first publish started", Timeout);

        await socket.CancelAsync();
        Assert.That(() => firstSend.WaitAsync(Timeout), Throws.InstanceOf<OperationCanceledException>(), "the handler stops waiting");
        _bus.Release();

        // The client reconnected and retries: the publish it left behind went out, so it gets that id.
        Assert.That(await Node().PublishAsync(Attempt(room, alice, "c-1"), CancellationToken.None).WaitAsync(Timeout),
            Is.EqualTo(SendOutcome.Accepted(first.Message.Id)));
        Assert.That(_bus.Published, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ARetryBehindAPublishStuckPastTheLeaseIsRefusedNotPublishedTwice()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _store = new InMemoryClientMessageIdStore(time);
        var (room, alice) = (AdapterTestData.RoomName(), AdapterTestData.Email("alice"));
        _bus.Hold();
        var firstSend = Node(time).PublishAsync(Attempt(room, alice, "c-1"), CancellationToken.None);
        await AsyncTimeout.UntilAsync(() => _bus.Started == 1, "the first publish started", Timeout);

        var retry = Node(time).PublishAsync(Attempt(room, alice, "c-1"), CancellationToken.None);
        await AdvanceAsync(time, ClientMessagePublisher.InFlightWait + TimeSpan.FromSeconds(1));

        Assert.That(await retry.WaitAsync(Timeout), Has.Property("Refusal").EqualTo("The first send with clientMessageId c-1 is still in progress; try again"));
        Assert.That(time.GetUtcNow() - time.Start, Is.GreaterThanOrEqualTo(ClientMessagePublisher.InFlightWait));
        var late = Node(time).PublishAsync(Attempt(room, alice, "c-1"), CancellationToken.None);
        await AdvanceAsync(time, ClientMessagePublisher.Lease);
        Assert.That(await late.WaitAsync(Timeout), Has.Property("Refusal").Not.Null);
        Assert.That(_bus.Started, Is.EqualTo(1), "the first attempt's claim was renewed past its lease, so no attempt took it over");

        _bus.Release();
        var first = await firstSend.WaitAsync(Timeout);
        Assert.That(await Node(time).PublishAsync(Attempt(room, alice, "c-1"), CancellationToken.None).WaitAsync(Timeout), Is.EqualTo(first));
        Assert.That(_bus.Published, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AnAttemptThatMayNotSendItselfFindsTheIdOfTheSameSendOnly()
    {
        var (room, alice) = (AdapterTestData.RoomName(), AdapterTestData.Email("alice"));
        var sent = Attempt(room, alice, "c-1", "text");
        _bus.Hold();
        var sending = Node().PublishAsync(sent, CancellationToken.None);
        await AsyncTimeout.UntilAsync(() => _bus.Started == 1, "the first publish started", Timeout);
        var key = new ClientMessageKey(alice, "c-1");

        var whileInFlight = Node().FindPublishedAsync(key, ClientMessagePublisher.RoomFingerprint(room, "text"), CancellationToken.None);
        await Task.Delay(100);
        Assert.That(whileInFlight.IsCompleted, Is.False, "it waits for the attempt in flight");
        _bus.Release();
        await sending.WaitAsync(Timeout);

        Assert.That(await whileInFlight.WaitAsync(Timeout), Is.EqualTo(sent.Message.Id));
        Assert.That(await Node().FindPublishedAsync(key, ClientMessagePublisher.RoomFingerprint(room, "other text"), CancellationToken.None), Is.Null);
        Assert.That(await Node().FindPublishedAsync(key with { ClientMessageId = "c-2" }, ClientMessagePublisher.RoomFingerprint(room, "text"), CancellationToken.None), Is.Null);
        Assert.That(await Node(store: new UnreachableStore()).FindPublishedAsync(key, ClientMessagePublisher.RoomFingerprint(room, "text"), CancellationToken.None), Is.Null);
    }

    /// <summary>A second at a time, so that every timer due on the way (renewals, polls) runs before the next.</summary>
    private static async Task AdvanceAsync(FakeTimeProvider time, TimeSpan by)
    {
        for (var advanced = TimeSpan.Zero; advanced < by; advanced += TimeSpan.FromSeconds(1))
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }
    }

    [Test]
    public async Task AnUnreachableStoreStillLetsTheSendThrough()
    {
        var send = Attempt(AdapterTestData.RoomName(), AdapterTestData.Email("alice"), "c-1");

        Assert.That(await Node(store: new UnreachableStore()).PublishAsync(send, CancellationToken.None), Is.EqualTo(SendOutcome.Accepted(send.Message.Id)));
        Assert.That(_bus.Published, Has.Count.EqualTo(1));
    }

    /// <summary>A bus whose publishes can be held until released, and made to fail once.</summary>
    private sealed class GatedBus : IChatBus
    {
        private TaskCompletionSource _gate = CompletedGate();
        private int _failNext;
        private int _started;

        public ConcurrentQueue<ChatBusEvent> Published { get; } = new();

        public string PositionScope => "gated";

        public int Started => Volatile.Read(ref _started);

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        public void FailNext() => _failNext = 1;

        public async ValueTask PublishAsync(ChatBusEvent chatEvent, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _started);
            await _gate.Task.WaitAsync(cancellationToken);
            if (Interlocked.Exchange(ref _failNext, 0) == 1)
            {
                throw new InvalidOperationException("Simulated bus failure: the brokers refused the record.");
            }

            Published.Enqueue(chatEvent);
        }

        public Task ConsumeAsync(ChatBusSubscription subscription, Func<ChatBusEvent, CancellationToken, ValueTask> handler, CancellationToken cancellationToken) =>
            Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);

        public Task ConsumeBatchesAsync(Func<IReadOnlyList<ChatBusEvent>, CancellationToken, ValueTask> handler, CancellationToken cancellationToken) =>
            Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);

        private static TaskCompletionSource CompletedGate()
        {
            var gate = new TaskCompletionSource();
            gate.SetResult();
            return gate;
        }
    }

    private sealed class UnreachableStore : IClientMessageIdStore
    {
        public ValueTask<ClientMessageClaim?> TryClaimAsync(ClientMessageKey key, ClientMessageClaim claim, TimeSpan ttl, CancellationToken cancellationToken) =>
            throw new TimeoutException("Simulated: the shared store does not answer.");

        public ValueTask<ClientMessageClaim?> GetAsync(ClientMessageKey key, CancellationToken cancellationToken) =>
            throw new TimeoutException("Simulated: the shared store does not answer.");

        public ValueTask<bool> ReplaceAsync(ClientMessageKey key, ClientMessageClaim expected, ClientMessageClaim? replacement, TimeSpan ttl, CancellationToken cancellationToken) =>
            throw new TimeoutException("Simulated: the shared store does not answer.");
    }
}
