using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Fatechat.Server.Caching;
using Fatechat.Server.Diagnostics;
using Fatechat.Server.Options;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Messaging;

/// <summary>
/// Publishes users' room and private messages. A send without a client message id goes straight to the bus. A send
/// with one goes out once per sender and id, on whichever node its attempts arrive (socket.io-client's
/// <c>retries</c> resend the same packet when an ack is late, possibly after a reconnect to another node): the
/// attempt that claims the id in <see cref="IClientMessageIdStore"/> publishes, and every other attempt is answered
/// with that attempt's message id. The cases an attempt meets:
/// <list type="number">
/// <item>the id is free: claim it as pending, publish, then mark it published for <c>Chat:ClientMessageIdTtlSeconds</c>.
/// A publish that fails frees the id, so a retry can go through instead of being answered for a message that
/// never went out. The publish does not end with the socket: a client that reconnects to retry finds the attempt
/// settled, not abandoned half-way;</item>
/// <item>published: acknowledge its message id; nothing is published again;</item>
/// <item>pending (the first attempt is still publishing, here or on another node): wait for it, up to
/// <see cref="InFlightWait"/>, then answer as above, or claim the id if that attempt failed or its node died;</item>
/// <item>held for another message (same id, other room, recipient or text): refuse; a retry sends the same packet;</item>
/// <item>the store is unreachable (Redis down): publish anyway. Storage still keeps the message once (its key on
/// sender and client id), but a retry may then be delivered twice and acknowledged with another id.</item>
/// </list>
/// A pending claim lives for <see cref="Lease"/> and is renewed while its publish runs (a broker failover may hold it
/// for minutes), so a node that dies mid-publish blocks retries of that send for one lease at most.
/// </summary>
public sealed partial class ClientMessagePublisher(
    IChatBus bus,
    IClientMessageIdStore claims,
    IOptions<ChatOptions> options,
    TimeProvider time,
    ILogger<ClientMessagePublisher> logger)
{
    internal static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);
    internal static readonly TimeSpan InFlightWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The token of every publish: a send the bus has taken goes out whatever happens to its socket or the host (a
    /// shutdown flushes the producer), so its outcome is the brokers' answer, bounded by the send timeout, never a
    /// cancellation that would tell the user "failed" about a message that is then stored.
    /// </summary>
    private static readonly CancellationToken Unstoppable = CancellationToken.None;

    private readonly TimeSpan _remember = TimeSpan.FromSeconds(options.Value.ClientMessageIdTtlSeconds);

    /// <summary>
    /// Publishes a <see cref="RoomMessagePosted"/> or <see cref="PrivateMessagePosted"/> that a user sent. Returns once
    /// the send's place among the sender's others is fixed (the bus holds it, or it is answered without a publish),
    /// so that the socket's next event does not wait for the brokers; <see cref="PendingSend.Outcome"/> completes with
    /// the answer, or fails when the bus did not take the send (<see cref="IChatBus.PublishAsync"/>).
    /// </summary>
    public async Task<PendingSend> StartAsync(ChatBusEvent chatEvent, CancellationToken cancellationToken)
    {
        var (messageId, sender, clientMessageId, fingerprint) = Describe(chatEvent);
        if (clientMessageId is null)
        {
            return new PendingSend(AcceptedOnceDone(bus.PublishAsync(chatEvent, Unstoppable).AsTask(), messageId));
        }

        var key = new ClientMessageKey(sender, clientMessageId);
        var mine = new ClientMessageClaim(messageId, fingerprint(), Published: false);
        var giveUpAt = time.GetUtcNow() + InFlightWait;
        while (true)
        {
            ClientMessageClaim? held;
            try
            {
                held = await claims.TryClaimAsync(key, mine, Lease, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                BackendFailures.CountEscaped(e);
                LogClaimUnavailable(clientMessageId, sender, e);
                return new PendingSend(AcceptedOnceDone(bus.PublishAsync(chatEvent, Unstoppable).AsTask(), messageId));
            }

            switch (held)
            {
                case null:
                    // PublishAndSettleAsync hands the event to the bus before its first await.
                    return new PendingSend(AcceptedOnceDone(PublishAndSettleAsync(key, mine, chatEvent).WaitAsync(cancellationToken), messageId));
                case { Fingerprint: var other } when other != mine.Fingerprint:
                    return PendingSend.Answered(SendOutcome.Refused($"clientMessageId {clientMessageId} was already used for another message"));
                case { Published: true }:
                    return PendingSend.Answered(SendOutcome.Accepted(held.MessageId));
            }

            if (time.GetUtcNow() >= giveUpAt)
            {
                return PendingSend.Answered(SendOutcome.Refused($"The first send with clientMessageId {clientMessageId} is still in progress; try again"));
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    /// <summary><see cref="StartAsync"/>, then its outcome.</summary>
    public async Task<SendOutcome> PublishAsync(ChatBusEvent chatEvent, CancellationToken cancellationToken) =>
        await (await StartAsync(chatEvent, cancellationToken)).Outcome;

    /// <summary>
    /// The message id of a send that an earlier attempt published, for an attempt that may not publish it itself: a
    /// socket.io-client that reconnected resends its unacknowledged packet before the app has joined the room again.
    /// Waits, as <see cref="PublishAsync"/> does, for an attempt still in flight. Null when no attempt of this send
    /// (same sender, id and <paramref name="fingerprint"/>) was published, or the store does not answer.
    /// </summary>
    public async Task<string?> FindPublishedAsync(ClientMessageKey key, string fingerprint, CancellationToken cancellationToken)
    {
        var giveUpAt = time.GetUtcNow() + InFlightWait;
        while (true)
        {
            ClientMessageClaim? held;
            try
            {
                held = await claims.GetAsync(key, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                BackendFailures.CountEscaped(e);
                LogLookupUnavailable(key.ClientMessageId, key.SenderMail, e);
                return null;
            }

            if (held is null || held.Fingerprint != fingerprint)
            {
                return null;
            }

            if (held.Published)
            {
                return held.MessageId;
            }

            if (time.GetUtcNow() >= giveUpAt)
            {
                return null;
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    /// <summary>What identifies a room send: the room's stored name and the text (see <see cref="Fingerprint"/>).</summary>
    public static string RoomFingerprint(string roomName, string text) => Fingerprint("room", roomName, text);

    /// <summary>
    /// What identifies a send, digested: its kind, its target (the room's stored name, the recipient) and its text.
    /// Sixteen bytes of SHA-256 keep the claim small; a collision would need two different messages under one id.
    /// </summary>
    private static string Fingerprint(string kind, string target, string text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}\n{target}\n{text}"), hash);
        return Base64Url.EncodeToString(hash[..16]);
    }

    private static (string MessageId, string Sender, string? ClientMessageId, Func<string> Fingerprint) Describe(ChatBusEvent chatEvent) => chatEvent switch
    {
        RoomMessagePosted { Message: var m } => (m.Id, m.SenderMail, m.ClientMessageId, () => RoomFingerprint(m.RoomName, m.Text)),
        PrivateMessagePosted { Message: var m } => (m.Id, m.FromMail, m.ClientMessageId, () => Fingerprint("private", m.ToMail, m.Text)),
        _ => throw new ArgumentException($"{chatEvent.GetType().Name} is not a user's send.", nameof(chatEvent)),
    };

    private static async Task<SendOutcome> AcceptedOnceDone(Task publish, string messageId)
    {
        await publish;
        return SendOutcome.Accepted(messageId);
    }

    private async Task PublishAndSettleAsync(ClientMessageKey key, ClientMessageClaim pending, ChatBusEvent chatEvent)
    {
        var publish = bus.PublishAsync(chatEvent, Unstoppable).AsTask();
        if (!publish.IsCompleted)
        {
            using var published = new CancellationTokenSource();
            while (!publish.IsCompleted)
            {
                var renewal = Task.Delay(Lease / 3, time, published.Token);
                if (await Task.WhenAny(publish, renewal) == renewal)
                {
                    await TryReplaceAsync(key, pending, pending, Lease, "renew");
                }
            }

            await published.CancelAsync();
        }

        try
        {
            await publish;
        }
        catch (Exception e)
        {
            LogPublishFailed(key.ClientMessageId, key.SenderMail, e);
            await TryReplaceAsync(key, pending, null, Lease, "release");
            throw;
        }

        await TryReplaceAsync(key, pending, pending with { Published = true }, _remember, "mark published");
    }

    /// <summary>
    /// A claim that cannot be updated is left to expire: a lost release blocks retries for one lease, a lost "published"
    /// lets a late retry through as a second message id, which storage then refuses.
    /// </summary>
    private async Task TryReplaceAsync(ClientMessageKey key, ClientMessageClaim expected, ClientMessageClaim? replacement, TimeSpan ttl, string step)
    {
        try
        {
            if (!await claims.ReplaceAsync(key, expected, replacement, ttl, CancellationToken.None))
            {
                LogClaimLost(step, key.ClientMessageId, key.SenderMail);
            }
        }
        catch (Exception e)
        {
            BackendFailures.CountEscaped(e);
            LogClaimUpdateFailed(step, key.ClientMessageId, key.SenderMail, e);
        }
    }

    [LoggerMessage(EventId = 3021, Level = LogLevel.Warning, Message = "Claiming clientMessageId {ClientMessageId} of {Sender} failed; publishing without the claim (a retry may be delivered twice, storage keeps one)")]
    private partial void LogClaimUnavailable(string clientMessageId, string sender, Exception exception);

    [LoggerMessage(EventId = 3025, Level = LogLevel.Warning, Message = "Looking up clientMessageId {ClientMessageId} of {Sender} failed; the retry is answered as a new send")]
    private partial void LogLookupUnavailable(string clientMessageId, string sender, Exception exception);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Debug, Message = "Publishing the send with clientMessageId {ClientMessageId} of {Sender} failed; its claim is released so that a retry can go through")]
    private partial void LogPublishFailed(string clientMessageId, string sender, Exception exception);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Warning, Message = "Could not {Step} the claim of clientMessageId {ClientMessageId} of {Sender}; it is left to expire")]
    private partial void LogClaimUpdateFailed(string step, string clientMessageId, string sender, Exception exception);

    [LoggerMessage(EventId = 3024, Level = LogLevel.Warning, Message = "Could not {Step} the claim of clientMessageId {ClientMessageId} of {Sender}: it had expired or was taken over")]
    private partial void LogClaimLost(string step, string clientMessageId, string sender);
}
