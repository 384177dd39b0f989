using Fatechat.Protocol.Hosting;
using Fatechat.Protocol.Logging;
using Fatechat.Protocol.SocketIO;
using Fatechat.Server.Auth;
using Fatechat.Server.Chat.Recovery;
using Fatechat.Server.Diagnostics;
using Fatechat.Server.Hosting;
using Fatechat.Server.Messaging;
using Fatechat.Server.Options;
using Fatechat.Server.Private;

namespace Fatechat.Server.Chat;

/// <summary>Registers the Socket.IO server and wires the chat events onto the main namespace.</summary>
internal static partial class ChatSockets
{
    internal const string UserKey = "fatechat.user";

    /// <summary>Room names come from clients: a log scope keeps at most this much of one.</summary>
    private const int LoggedRoomMaxLength = 200;

    public static IServiceCollection AddChatSockets(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(SocketIOSettings.Section).Get<SocketIOSettings>() ?? new();
        services.AddSocketIO(o =>
        {
            // Payloads bound and written with source-generated metadata; anything else by reflection.
            o.Json = ChatJsonContext.SocketOptions;
            o.Engine.PingIntervalMs = settings.PingIntervalMs;
            o.Engine.PingTimeoutMs = settings.PingTimeoutMs;
            o.Engine.UpgradeTimeoutMs = settings.UpgradeTimeoutMs;
            o.Engine.MaxPayload = settings.MaxPayload;
            o.Engine.MaxBufferedBytes = settings.MaxBufferedBytes;
            o.MaxAttachments = settings.MaxAttachments;
            o.AttachmentTimeoutMs = settings.AttachmentTimeoutMs;
            o.Engine.Path = NormalizePath(settings.Path);
            o.Engine.AllowedOrigins = settings.AllowedOrigins;
            o.Engine.AllowEIO3 = settings.AllowEIO3;
            o.ConnectionStateRecovery = settings.ConnectionStateRecovery
                ? new ConnectionStateRecoveryOptions { MaxDisconnectionDurationMs = settings.MaxDisconnectionDurationMs }
                : null;
            var cors = configuration.GetSection(CorsSettings.Section).Get<CorsSettings>() ?? new();
            if (cors.IsEnabled)
            {
                o.Engine.Cors = new Fatechat.Protocol.EngineIO.EngineIOCorsOptions { Origins = cors.Origins, Credentials = cors.Credentials };
            }
        });
        services.AddSingleton<ChatSocketAuthenticator>();
        services.AddSingleton<SocketEventLimiter>();
        services.AddSingleton<ChatSocketEvents>();
        services.AddSingleton<PrivateMessageEvents>();
        services.AddSingleton<IChatDelivery, SocketIOChatDelivery>();
        services.AddSingleton(sp => new DeliveryLog(sp.GetRequiredService<IChatBus>(), sp.GetRequiredService<TimeProvider>())
        {
            // Records are kept a little longer than a session can wait to come back.
            Retention = TimeSpan.FromMilliseconds(settings.MaxDisconnectionDurationMs) + TimeSpan.FromSeconds(30),
        });
        services.AddSingleton<ChatSessionRecovery>();
        if (settings.ConnectionStateRecovery)
        {
            services.AddHostedService<SessionRecordToucher>();
        }

        services.AddHostedService<ChatMessagePipeline>();
        return services;
    }

    public static WebApplication MapChatSockets(this WebApplication app)
    {
        var io = app.Services.GetRequiredService<SocketIOServer>();
        var authenticator = app.Services.GetRequiredService<ChatSocketAuthenticator>();
        var chat = app.Services.GetRequiredService<ChatSocketEvents>();
        var direct = app.Services.GetRequiredService<PrivateMessageEvents>();
        var recovery = app.Services.GetRequiredService<ChatSessionRecovery>();
        var addresses = app.Services.GetRequiredService<ClientAddress>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ChatSockets));
        io.Sockets.RecoverSession = recovery.TryRecoverAsync;
        io.Sockets.AdmitEvent = app.Services.GetRequiredService<SocketEventLimiter>().Admit;

        // Checked before the socket connects, so no event can arrive ahead of its handlers.
        io.Use(async socket =>
        {
            var check = await authenticator.AuthenticateAsync(socket.Handshake);
            socket.Data[UserKey] = check.User;
            if (check.User is null)
            {
                AuthLog.SocketRefused(logger, socket.Id, addresses.Of(socket.Handshake), check.Reason ?? "invalid token");
            }
        });
        io.OnConnection(socket =>
        {
            if (socket.Data.TryGetValue(UserKey, out var value) is false || value is not ChatUser user)
            {
                // As the Node server did: the connection succeeds, then gets this text and a server-side disconnect.
                socket.Emit(ChatEventNames.ReceiveMessage, ChatEventNames.TokenUnauthorized);
                socket.Disconnect();
                return Task.CompletedTask;
            }

            var session = ChatSession.Attach(socket, user, logger);
            using var scope = logger.BeginScope(session.LogScope);
            LogSocketConnected(logger, socket.Id, user.Email, socket.Connection.Transport, socket.Recovered);
            socket.Join(PrivateMessageEvents.UserRoom(user.Email));
            // Runs after the socket's last event handler has finished (the protocol orders it behind them).
            socket.OnDisconnect(reason =>
            {
                using var disconnectScope = logger.BeginScope(session.LogScope);
                LogSocketDisconnected(logger, socket.Id, user.Email, reason);
                return Task.WhenAll(chat.DisconnectAsync(session), recovery.OnDisconnectAsync(socket).AsTask());
            });
            return recovery.OnConnectedAsync(session);
        });

        // Registered once for the namespace rather than per socket: an idle connection carries no handlers. The
        // protocol runs one socket's events one at a time, in arrival order; each gets the socket's disconnect token.
        // A socket without a session was refused above and is already disconnecting.
        Task WithSession(SocketIOSocket socket, string? room, Func<ChatSession, Task> work) => RunWithSessionAsync(logger, socket, room, work);

        io.On<JoinRoomRequest>(ChatEventNames.JoinRoom, (socket, r, ack, ct) => WithSession(socket, r?.RoomName, async s =>
        {
            await chat.JoinRoomAsync(s, r, ack, ct);
            await recovery.SaveAsync(s, ct);
        }));
        io.On<SendMessageRequest>(ChatEventNames.SendMessage, (socket, r, ack, ct) => WithSession(socket, r?.RoomName, s => chat.SendMessageAsync(s, r, ack, ct)));
        io.On<GetRecentMessagesRequest>(ChatEventNames.GetRecentMessages, (socket, r, ack, ct) => WithSession(socket, r?.RoomName, s => chat.GetRecentMessagesAsync(s, r, ack, ct)));
        io.On<GetOnlineUsersRequest>(ChatEventNames.GetOnlineUsers, (socket, r, ack, ct) => WithSession(socket, r?.RoomName, s => chat.GetOnlineUsersAsync(s, r, ack, ct)));
        io.On<SendPrivateMessageRequest>(ChatEventNames.SendPrivateMessage, (socket, r, ack, ct) => WithSession(socket, null, s => direct.SendAsync(s, r, ack, ct)));
        io.On<TypingRequest>(ChatEventNames.Typing, (socket, r, ack, ct) => WithSession(socket, r?.RoomName, s => chat.TypingAsync(s, r, isTyping: true, ack, ct)));
        io.On<TypingRequest>(ChatEventNames.StopTyping, (socket, r, ack, ct) => WithSession(socket, r?.RoomName, s => chat.TypingAsync(s, r, isTyping: false, ack, ct)));
        return app;
    }

    /// <summary>"/chat/io" and "chat/io/" both mean "/chat/io/".</summary>
    private static string NormalizePath(string path) =>
        path.Trim().Trim('/') is { Length: > 0 } inner ? "/" + inner + "/" : new SocketIOSettings().Path;

    /// <summary>
    /// Runs an event of an authenticated socket with its user and the event's room on every line it logs (the
    /// protocol's scope adds <c>socketId</c> and <c>sid</c>), and counts a backend failure that reaches the socket
    /// layer (which logs it and answers a generic error ack).
    /// </summary>
    private static async Task RunWithSessionAsync(ILogger logger, SocketIOSocket socket, string? room, Func<ChatSession, Task> work)
    {
        if (ChatSession.Of(socket) is not { } session)
        {
            return;
        }

        using var scope = logger.BeginScope(room is null
            ? session.LogScope
            : new LogScope("user", session.User.Email, "room", room.Length > LoggedRoomMaxLength ? room[..LoggedRoomMaxLength] : room));
        try
        {
            await work(session);
        }
        catch (Exception e) when (BackendFailures.CountEscaped(e))
        {
            // Never reached: the filter only counts.
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Debug, Message = "Socket {SocketId} of {User} connected over {Transport} (recovered: {Recovered})")]
    private static partial void LogSocketConnected(ILogger logger, string socketId, string user, string transport, bool recovered);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Debug, Message = "Socket {SocketId} of {User} disconnected: {Reason}")]
    private static partial void LogSocketDisconnected(ILogger logger, string socketId, string user, string reason);
}
