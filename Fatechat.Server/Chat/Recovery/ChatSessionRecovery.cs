using Fatechat.Protocol.SocketIO;
using Fatechat.Server.Auth;
using Fatechat.Server.Caching;
using Fatechat.Server.Messaging;
using Fatechat.Server.Options;
using Fatechat.Server.Private;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Chat.Recovery;

/// <summary>
/// Connection state recovery for the chat: a Socket.IO 4.6+ client back within the window gets its socket id, its
/// rooms and every room and private message it missed — from <see cref="DeliveryLog"/>, so on any node and after its
/// first node died — once, in order, before anything live. When the gap cannot be filled exactly (the record
/// expired, this node has not got the records any more, or another user's token) the client gets a fresh session
/// (<c>recovered</c> false) and reloads history as before.
/// </summary>
public sealed partial class ChatSessionRecovery(
    DeliveryLog log,
    ISessionRecordStore records,
    ChatSocketEvents chat,
    IOptions<SocketIOSettings> settings,
    ILogger<ChatSessionRecovery> logger)
{
    private const string RestoredRoomsKey = "fatechat.recovered-rooms";

    /// <summary>How long a recovery waits for this node's delivery to catch up with where the client got to.</summary>
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(3);

    private readonly TimeSpan _window = TimeSpan.FromMilliseconds(settings.Value.MaxDisconnectionDurationMs);

    /// <summary>
    /// The protocol's <see cref="Namespace.RecoverSession"/>: after authentication, restores rooms and replays the
    /// missed messages under the delivery gate (nothing live slips in between), then returns the old socket id.
    /// </summary>
    public async ValueTask<string?> TryRecoverAsync(SocketIOSocket socket, SessionRecoveryRequest request)
    {
        if (socket.Data.TryGetValue(ChatSockets.UserKey, out var value) is false || value is not ChatUser user)
        {
            return null;
        }

        var record = await records.GetAsync(request.Pid, socket.Disconnected);
        if (record is null || !string.Equals(record.UserMail, user.Email, StringComparison.OrdinalIgnoreCase))
        {
            LogNotRecovered(record is null ? "no such session (expired or never seen)" : "another user's session");
            return null;
        }

        var rooms = new HashSet<string>(record.Rooms, StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + CatchUpTimeout;
        while (true)
        {
            await log.Gate.WaitAsync(socket.Disconnected);
            try
            {
                // No offset from the client: it has received nothing that carries one since the record was written.
                var replay = log.TryReplay(request.Offset ?? record.Offset, e => Concerns(e, rooms, user.Email));
                if (replay.Outcome == ReplayOutcome.Complete)
                {
                    socket.Join(PrivateMessageEvents.UserRoom(user.Email));
                    foreach (var room in rooms)
                    {
                        socket.Join(room);
                    }

                    foreach (var (missed, offset) in replay.Missed)
                    {
                        Replay(socket, missed, offset);
                    }

                    socket.Data[RestoredRoomsKey] = rooms.ToArray();
                    LogRecovered(record.SocketId, replay.Missed.Count);
                    return record.SocketId;
                }

                if (replay.Outcome == ReplayOutcome.Impossible || DateTime.UtcNow > deadline)
                {
                    LogNotRecovered(replay.Outcome == ReplayOutcome.Impossible ? "this node cannot fill the gap" : "this node did not catch up in time");
                    return null;
                }
            }
            finally
            {
                log.Gate.Release();
            }

            await Task.Delay(20, socket.Disconnected);
        }
    }

    /// <summary>
    /// After the CONNECT: a recovered socket takes its rooms back in the chat (presence, a "joined" row only if the
    /// room had seen it leave); a fresh one gets a record that a later reconnect can recover.
    /// </summary>
    public async Task OnConnectedAsync(ChatSession session)
    {
        var socket = session.Socket;
        if (socket.Pid is null)
        {
            return;
        }

        if (socket.Recovered && socket.Data.TryGetValue(RestoredRoomsKey, out var value) && value is string[] rooms)
        {
            foreach (var room in rooms)
            {
                await chat.RejoinAsync(session, room, socket.Disconnected);
            }
        }

        await SaveAsync(session, socket.Disconnected);
    }

    /// <summary>Writes the session's record (id, user, rooms); called at connect and after each join.</summary>
    public async Task SaveAsync(ChatSession session, CancellationToken cancellationToken)
    {
        if (session.Socket.Pid is { } pid)
        {
            // Read after the joins: whatever comes after this offset in these rooms reaches the socket or is replayed.
            var record = new SessionRecord(session.Socket.Id, session.User.Email, session.Rooms, log.CurrentOffset);
            await records.SaveAsync(pid, record, _window, cancellationToken);
        }
    }

    /// <summary>The window starts now: the record lives that long past the disconnect.</summary>
    public ValueTask OnDisconnectAsync(SocketIOSocket socket) =>
        socket.Pid is { } pid ? records.TouchAsync([pid], _window, CancellationToken.None) : ValueTask.CompletedTask;

    private static bool Concerns(ChatBusEvent chatEvent, HashSet<string> rooms, string email) => chatEvent switch
    {
        RoomMessagePosted { Message: var m } => rooms.Contains(m.RoomName),
        PrivateMessagePosted { Message: var m } => string.Equals(m.ToMail, email, StringComparison.OrdinalIgnoreCase)
            || string.Equals(m.FromMail, email, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private static void Replay(SocketIOSocket socket, ChatBusEvent missed, string offset)
    {
        switch (missed)
        {
            case RoomMessagePosted { Message: var m }:
                socket.EmitWithOffset(offset, ChatEventNames.ReceiveMessage, ReceiveMessagePayload.From(m));
                break;
            case PrivateMessagePosted { Message: var m }:
                socket.EmitWithOffset(offset, ChatEventNames.ReceivePrivateMessage, PrivateMessageResponse.Of(m));
                break;
        }
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Session of socket {SocketId} recovered with {Missed} missed messages")]
    private partial void LogRecovered(string socketId, int missed);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Information, Message = "Session not recovered: {Reason}; the client starts afresh")]
    private partial void LogNotRecovered(string reason);
}
