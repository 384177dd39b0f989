using Fatechat.Protocol.SocketIO;
using Fatechat.Server.Auth;
using Fatechat.Server.Hosting;
using Fatechat.Server.Options;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Chat;

/// <summary>
/// Per-socket rate limits, checked as each event arrives (<see cref="Namespace.AdmitEvent"/>): messages
/// (<c>sendMessage</c>, <c>sendPrivateMessage</c>) from one bucket, every other event from a looser one. A refused
/// event never reaches its handler, so nothing is published, and it does not wait behind the socket's earlier
/// events either: its refusal goes out at once and the flood leaves nothing queued for the events after it.
/// </summary>
internal sealed class SocketEventLimiter(IOptions<RateLimitOptions> options, TimeProvider time, ClientAddress addresses, ILogger<SocketEventLimiter> logger)
{
    private const string MessagesLimit = "messages";
    private const string OtherEventsLimit = "events";

    private readonly EventRate _messages = options.Value.SocketMessages;
    private readonly EventRate _other = options.Value.SocketOtherEvents;

    public bool Admit(SocketIOSocket socket, string eventName, SocketIOAck? ack)
    {
        if (ChatSession.Of(socket) is not { } session)
        {
            return true; // refused at connect and already disconnecting; its handlers ignore it
        }

        bool isMessage = eventName is ChatEventNames.SendMessage or ChatEventNames.SendPrivateMessage;
        var rate = isMessage ? _messages : _other;
        if (!rate.IsOn)
        {
            return true;
        }

        var budget = session.EventBudget(() => new SocketEventBudget(_messages, _other, time.GetTimestamp()));
        var bucket = isMessage ? budget.Messages : budget.Other;
        var verdict = bucket.TryTake(time.GetTimestamp(), time.TimestampFrequency, AuthLog.RefusalLogInterval, out var refused);
        if (verdict == EventVerdict.Admitted)
        {
            return true;
        }

        Diagnostics.ServerMetrics.RateLimitRefused(isMessage ? MessagesLimit : OtherEventsLimit);

        if (verdict is EventVerdict.RefusedAndReport or EventVerdict.RefusedFirstAndReport)
        {
            AuthLog.SocketEventsLimited(logger, socket.Id, session.User.Email, addresses.Of(socket.Handshake),
                isMessage ? MessagesLimit : OtherEventsLimit, AuthLog.Printable(eventName, 64), refused);
        }

        // Every ack is answered: its client waits for it. Without one, only the first refusal of a run is told,
        // so that a flood is not echoed back event for event.
        if (ack is not null || verdict is EventVerdict.RefusedFirst or EventVerdict.RefusedFirstAndReport)
        {
            ChatSocketEvents.Refuse(session, ack, eventName, Describe(isMessage, rate));
        }

        return false;
    }

    private static string Describe(bool isMessage, EventRate rate) => isMessage
        ? $"Too many messages: at most {rate.PerSecond:0.##} a second (bursts of {rate.Burst}); this one was not sent"
        : $"Too many requests: at most {rate.PerSecond:0.##} a second (bursts of {rate.Burst}); this one was ignored";
}

/// <summary>A socket's two buckets, made on its first event: a socket that only listens carries none.</summary>
internal sealed class SocketEventBudget(EventRate messages, EventRate other, long now)
{
    public EventBucket Messages { get; } = new(messages, now);

    public EventBucket Other { get; } = new(other, now);
}
