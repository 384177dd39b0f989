using System.Globalization;
using System.Text.Json;
using Fatechat.Protocol.SocketIO;
using Fatechat.Server.Caching;
using Fatechat.Server.Hosting;
using Fatechat.Server.Messaging;
using Fatechat.Server.Options;
using Fatechat.Server.Storage;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Chat;

/// <summary>
/// The room events: <c>joinRoom</c>, <c>sendMessage</c>, <c>getRecentMessages</c>, <c>getOnlineUsers</c> and the
/// disconnect clean-up. Messages and presence changes go through <see cref="IChatBus"/>; what reaches the room's
/// sockets is sent by <see cref="ChatMessagePipeline"/>.
/// </summary>
public sealed partial class ChatSocketEvents(
    IChatBus bus,
    ClientMessagePublisher sends,
    IRoomRepository rooms,
    IPresenceStore presence,
    RoomHistory history,
    MessageIdGenerator ids,
    Recovery.DeliveryLog deliveryLog,
    IOptions<ChatOptions> chatOptions,
    IOptions<FatechatOptions> serverOptions,
    IHostApplicationLifetime stopping)
{
    /// <summary>How long the clean-up after a disconnect may take (presence, the "left" message) before it gives up.</summary>
    internal static readonly TimeSpan DisconnectCleanupTimeout = TimeSpan.FromSeconds(10);

    private readonly ChatOptions _chat = chatOptions.Value;
    private readonly TimeSpan _reconnectGrace = TimeSpan.FromMilliseconds(chatOptions.Value.ReconnectGraceMs);
    private readonly string _nodeId = serverOptions.Value.NodeId;

    public async Task JoinRoomAsync(ChatSession session, JoinRoomRequest? request, SocketIOAck? ack, CancellationToken cancellationToken)
    {
        var requested = request?.RoomName?.Trim();
        if (string.IsNullOrEmpty(requested))
        {
            Refuse(session, ack, ChatEventNames.JoinRoom, "roomName is required");
            return;
        }

        var room = await rooms.FindByNameAsync(requested, cancellationToken);
        if (room is null)
        {
            Refuse(session, ack, ChatEventNames.JoinRoom, $"Room {requested} does not exist");
            return;
        }

        var email = session.User.Email;
        session.Socket.Join(room.Name);
        var isNewJoin = session.AddRoom(room.Name);
        // Online here already — another tab, or this client back within the reconnect grace period: not a join.
        var alreadyOnline = isNewJoin && (await presence.GetOnlineUsersAsync(room.Name, cancellationToken))
            .Contains(email, StringComparer.OrdinalIgnoreCase);
        if (!alreadyOnline)
        {
            // A string last argument would pass for an offset with a recovering client: the real one follows it.
            var welcome = ChatEventNames.Welcome(email, room.Name);
            if (session.Socket.Pid is not null)
            {
                session.Socket.EmitWithOffset(deliveryLog.CurrentOffset, ChatEventNames.ReceiveMessage, welcome);
            }
            else
            {
                session.Socket.Emit(ChatEventNames.ReceiveMessage, welcome);
            }
        }

        if (isNewJoin)
        {
            await presence.AddAsync(Presence(session, room.Name), cancellationToken);
            if (alreadyOnline)
            {
                // The room's list did not change; this socket still needs it.
                session.Socket.Emit(ChatEventNames.OnlineUsers, new OnlineUsersPayload(room.Name, await presence.GetOnlineUsersAsync(room.Name, cancellationToken)));
            }
            else
            {
                // One record: every node sends the online list, then the event message (the Node server's order).
                var announced = bus.PublishAsync(new RoomMessagePosted(NewMessage(room.Name, ChatEventNames.Joined(email), email, isEvent: true), PresenceChanged: true), cancellationToken);
                AnswerWhenSettled(session, ack, ChatEventNames.JoinRoom, AcceptedOnceDone(announced.AsTask(), messageId: null), _ => new JoinedPayload(true, room.Name));
                return;
            }
        }

        ack?.Send(new JoinedPayload(true, room.Name));
    }

    public async Task SendMessageAsync(ChatSession session, SendMessageRequest? request, SocketIOAck? ack, CancellationToken cancellationToken)
    {
        var roomName = request?.RoomName is { } requested ? session.FindRoom(requested.Trim()) : null;
        if (roomName is null)
        {
            if (await FindPublishedRetryAsync(session, request, cancellationToken) is { } firstId)
            {
                ack?.Send(new AcceptedPayload(true, firstId));
                return;
            }

            Refuse(session, ack, ChatEventNames.SendMessage, "Join the room before sending to it");
            return;
        }

        if (MessageRules.Check(request!.Message, _chat) is { } problem)
        {
            Refuse(session, ack, ChatEventNames.SendMessage, problem);
            return;
        }

        if (ClientMessageIdRules.Check(request.ClientMessageId, out var clientMessageId) is { } badId)
        {
            Refuse(session, ack, ChatEventNames.SendMessage, badId);
            return;
        }

        // Stamped before the first await, so messages from one socket keep the order they arrived in.
        var message = NewMessage(roomName, request.Message!, session.User.Email, isEvent: false) with { ClientMessageId = clientMessageId };
        var pending = await sends.StartAsync(new RoomMessagePosted(message), cancellationToken);
        AnswerWhenSettled(session, ack, ChatEventNames.SendMessage, pending.Outcome, outcome => new AcceptedPayload(true, outcome.MessageId));
    }

    /// <summary>
    /// <c>typing</c> / <c>stopTyping {roomName}</c> from a member: the room's other users hear it on every node; never
    /// stored. Clients repeat <c>typing</c> while typing and drop an indicator not renewed within a few seconds.
    /// </summary>
    public Task TypingAsync(ChatSession session, TypingRequest? request, bool isTyping, SocketIOAck? ack, CancellationToken cancellationToken)
    {
        var roomName = request?.RoomName is { } requested ? session.FindRoom(requested.Trim()) : null;
        if (roomName is null)
        {
            Refuse(session, ack, isTyping ? ChatEventNames.Typing : ChatEventNames.StopTyping, "Join the room first");
            return Task.CompletedTask;
        }

        var published = bus.PublishAsync(new RoomTypingChanged(roomName, session.User.Email, isTyping), cancellationToken);
        AnswerWhenSettled(session, ack, isTyping ? ChatEventNames.Typing : ChatEventNames.StopTyping,
            AcceptedOnceDone(published.AsTask(), messageId: null), _ => new AcceptedPayload(true, null));
        return Task.CompletedTask;
    }

    public async Task GetRecentMessagesAsync(ChatSession session, GetRecentMessagesRequest? request, SocketIOAck? ack, CancellationToken cancellationToken)
    {
        var roomName = await ResolveRoomAsync(session, request?.RoomName, cancellationToken);
        if (roomName is null)
        {
            Refuse(session, ack, ChatEventNames.GetRecentMessages, "roomName must name an existing room");
            return;
        }

        var latest = await history.GetLatestAsync(roomName, RecentCount(request!.Count), cancellationToken);
        // Bounded in bytes too: the reply goes out twice (event and ack) and waits in the socket's outbound queue.
        var rows = RecentMessagesReply.Bound(latest, _chat.RecentMessagesMaxBytes);
        session.Socket.Emit(ChatEventNames.RecentMessages, rows);
        ack?.Send(rows);
    }

    public async Task GetOnlineUsersAsync(ChatSession session, GetOnlineUsersRequest? request, SocketIOAck? ack, CancellationToken cancellationToken)
    {
        var roomName = await ResolveRoomAsync(session, request?.RoomName, cancellationToken) ?? request?.RoomName?.Trim();
        if (string.IsNullOrEmpty(roomName))
        {
            Refuse(session, ack, ChatEventNames.GetOnlineUsers, "roomName is required");
            return;
        }

        var payload = new OnlineUsersPayload(roomName, await presence.GetOnlineUsersAsync(roomName, cancellationToken));
        session.Socket.Emit(ChatEventNames.OnlineUsers, payload);
        ack?.Send(payload);
    }

    /// <summary>
    /// After the reconnect grace period, for each room the socket was in: drop its presence entry; when that was the
    /// user's last socket there, the room hears "x left the room" and gets the new online list. Another tab of the
    /// same user, or the same client back within the grace period, keeps them online. On shutdown there is no grace.
    /// </summary>
    /// <summary>A recovered socket takes back a room it was in: online again there, and a "joined" row only if the room saw it leave.</summary>
    public async Task RejoinAsync(ChatSession session, string roomName, CancellationToken cancellationToken)
    {
        if (!session.AddRoom(roomName))
        {
            return;
        }

        var email = session.User.Email;
        // Still listed (its old socket's entry, or another tab): the room never saw it go.
        var stillOnline = (await presence.GetOnlineUsersAsync(roomName, cancellationToken)).Contains(email, StringComparer.OrdinalIgnoreCase);
        await presence.AddAsync(Presence(session, roomName), cancellationToken);
        if (!stillOnline)
        {
            await bus.PublishAsync(new RoomMessagePosted(NewMessage(roomName, ChatEventNames.Joined(email), email, isEvent: true), PresenceChanged: true), cancellationToken);
        }
    }

    public async Task DisconnectAsync(ChatSession session)
    {
        try
        {
            await Task.Delay(_reconnectGrace, stopping.ApplicationStopping);
        }
        catch (OperationCanceledException)
        {
        }

        // Recovered on this node under the same socket id: the presence entries are the successor's now.
        if (session.Socket.Namespace.TryGetSocket(session.Socket.Id, out var successor) && successor != session.Socket)
        {
            return;
        }

        // The socket's own token has fired by now; the clean-up gets a bound of its own.
        using var timeout = new CancellationTokenSource(DisconnectCleanupTimeout);
        var cancellationToken = timeout.Token;
        var email = session.User.Email;
        foreach (var roomName in session.TakeRooms())
        {
            if (!await presence.RemoveAsync(Presence(session, roomName), cancellationToken))
            {
                continue;
            }

            await bus.PublishAsync(new RoomMessagePosted(NewMessage(roomName, ChatEventNames.Left(email), email, isEvent: true), PresenceChanged: true), cancellationToken);
        }
    }

    /// <summary>
    /// Acknowledges once the bus has settled a publish, off the socket's event queue: the socket's next events do not
    /// wait for the brokers' acknowledgement (Kafka slow, or gone until the send times out). A refused outcome is
    /// answered as <see cref="Refuse"/> does; a publish that failed gets <see cref="BusUnavailable"/>.
    /// </summary>
    internal static void AnswerWhenSettled(ChatSession session, SocketIOAck? ack, string eventName, Task<SendOutcome> outcome, Func<SendOutcome, object> accepted)
    {
        if (outcome.IsCompletedSuccessfully)
        {
            Answer(outcome.Result);
            return;
        }

        _ = AnswerLaterAsync();

        async Task AnswerLaterAsync()
        {
            SendOutcome settled;
            try
            {
                settled = await outcome.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!session.Socket.Connected)
            {
                return; // the socket left while its send waited: nobody is there to answer
            }
            catch (Exception)
            {
                // The bus logs why (once per kind of failure, not per send).
                settled = SendOutcome.Refused(BusUnavailable);
            }

            Answer(settled);
        }

        void Answer(SendOutcome settled)
        {
            if (settled.Refusal is { } refusal)
            {
                Refuse(session, ack, eventName, refusal);
            }
            else
            {
                ack?.Send(accepted(settled));
            }
        }
    }

    /// <summary>The refusal of a send the bus did not take (Kafka unreachable until the send timed out, its queue full).</summary>
    internal const string BusUnavailable = "The message could not be sent: the chat service is unavailable right now; try again";

    private static async Task<SendOutcome> AcceptedOnceDone(Task publish, string? messageId)
    {
        await publish.ConfigureAwait(false);
        return SendOutcome.Accepted(messageId!);
    }

    /// <summary>The ack of a send: <c>{ok: true, id}</c> (for a retry, the first attempt's id), or the refusal.</summary>
    internal static void Answer(ChatSession session, SocketIOAck? ack, string eventName, SendOutcome outcome)
    {
        if (outcome.Refusal is { } refusal)
        {
            Refuse(session, ack, eventName, refusal);
            return;
        }

        ack?.Send(new AcceptedPayload(true, outcome.MessageId));
    }

    /// <summary>Answers a refused request through its ack when the client asked for one, else with an <c>error</c> event.</summary>
    internal static void Refuse(ChatSession session, SocketIOAck? ack, string eventName, string error)
    {
        LogRefused(session.Logger, eventName, error);
        var payload = new RefusalPayload(false, error, eventName);
        if (ack is not null)
        {
            ack.Send(payload);
        }
        else
        {
            session.Socket.Emit(ChatEventNames.Error, payload);
        }
    }

    /// <summary>
    /// A client that reconnected (here or from another node) resends an unacknowledged <c>sendMessage</c> before it has
    /// joined the room again: when an earlier attempt of that very send (same client id, room and text) went out, the
    /// retry gets its id. Anything else from a socket outside the room is refused as before.
    /// </summary>
    private async Task<string?> FindPublishedRetryAsync(ChatSession session, SendMessageRequest? request, CancellationToken cancellationToken)
    {
        if (request is null
            || ClientMessageIdRules.Check(request.ClientMessageId, out var clientMessageId) is not null || clientMessageId is null
            || MessageRules.Check(request.Message, _chat) is not null
            || await ResolveRoomAsync(session, request.RoomName, cancellationToken) is not { } roomName)
        {
            return null;
        }

        return await sends.FindPublishedAsync(new ClientMessageKey(session.User.Email, clientMessageId),
            ClientMessagePublisher.RoomFingerprint(roomName, request.Message!), cancellationToken);
    }

    private async Task<string?> ResolveRoomAsync(ChatSession session, string? requested, CancellationToken cancellationToken)
    {
        requested = requested?.Trim();
        if (string.IsNullOrEmpty(requested))
        {
            return null;
        }

        return session.FindRoom(requested) ?? (await rooms.FindByNameAsync(requested, cancellationToken))?.Name;
    }

    /// <summary>
    /// The Node server answered count 0 with the whole list and coerced "3" to 3; a missing or unreadable count, which
    /// crashed it, gets the default page size. Every answer is capped.
    /// </summary>
    private int RecentCount(JsonElement? count)
    {
        int value;
        switch (count)
        {
            case { ValueKind: JsonValueKind.Number } n when n.TryGetDouble(out var d) && !double.IsNaN(d):
                value = (int)Math.Clamp(d, int.MinValue, int.MaxValue);
                break;
            case { ValueKind: JsonValueKind.String } s when int.TryParse(s.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed):
                value = parsed;
                break;
            default:
                return _chat.DefaultPageSize;
        }

        return value <= 0 ? _chat.RecentMessagesCap : Math.Min(value, _chat.RecentMessagesCap);
    }

    private ChatMessage NewMessage(string roomName, string text, string senderMail, bool isEvent)
    {
        var id = ids.NewId(out var createdAt);
        return new ChatMessage(id, roomName, text, senderMail, isEvent, createdAt);
    }

    private PresenceEntry Presence(ChatSession session, string roomName) => new(roomName, session.User.Email, _nodeId, session.Socket.Id);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Debug, Message = "Refused {Event}: {Error}")]
    private static partial void LogRefused(ILogger logger, string @event, string error);
}
