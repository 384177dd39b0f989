using Fatechat.Protocol.Hosting;
using Fatechat.Protocol.SocketIO;
using Fatechat.Server.Auth;
using Fatechat.Server.Messaging;
using Fatechat.Server.Options;
using Fatechat.Server.Private;

namespace Fatechat.Server.Chat;

/// <summary>Registers the Socket.IO server and wires the chat events onto the main namespace.</summary>
internal static class ChatSockets
{
    private const string UserKey = "fatechat.user";

    public static IServiceCollection AddChatSockets(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(SocketIOSettings.Section).Get<SocketIOSettings>() ?? new();
        services.AddSocketIO(o =>
        {
            o.Engine.PingIntervalMs = settings.PingIntervalMs;
            o.Engine.PingTimeoutMs = settings.PingTimeoutMs;
            o.Engine.UpgradeTimeoutMs = settings.UpgradeTimeoutMs;
            o.Engine.MaxPayload = settings.MaxPayload;
        });
        services.AddSingleton<ChatSocketAuthenticator>();
        services.AddSingleton<ChatSocketEvents>();
        services.AddSingleton<PrivateMessageEvents>();
        services.AddSingleton<IChatDelivery, SocketIOChatDelivery>();
        services.AddHostedService<ChatMessagePipeline>();
        return services;
    }

    public static WebApplication MapChatSockets(this WebApplication app)
    {
        var io = app.Services.GetRequiredService<SocketIOServer>();
        var authenticator = app.Services.GetRequiredService<ChatSocketAuthenticator>();
        var chat = app.Services.GetRequiredService<ChatSocketEvents>();
        var direct = app.Services.GetRequiredService<PrivateMessageEvents>();

        // Checked before the socket connects, so no event can arrive ahead of its handlers.
        io.Use(async socket => socket.Data[UserKey] = await authenticator.AuthenticateAsync(socket.Handshake));
        io.OnConnection(socket =>
        {
            if (socket.Data.TryGetValue(UserKey, out var value) is false || value is not ChatUser user)
            {
                // As the Node server did: the connection succeeds, then gets this text and a server-side disconnect.
                socket.Emit(ChatEventNames.ReceiveMessage, ChatEventNames.TokenUnauthorized);
                socket.Disconnect();
                return;
            }

            var session = ChatSession.Attach(socket, user);
            socket.Join(PrivateMessageEvents.UserRoom(user.Email));
            socket.On<JoinRoomRequest>(ChatEventNames.JoinRoom, (r, ack) => session.RunInOrder(() => chat.JoinRoomAsync(session, r, ack)));
            socket.On<SendMessageRequest>(ChatEventNames.SendMessage, (r, ack) => session.RunInOrder(() => chat.SendMessageAsync(session, r, ack)));
            socket.On<GetRecentMessagesRequest>(ChatEventNames.GetRecentMessages, (r, ack) => session.RunInOrder(() => chat.GetRecentMessagesAsync(session, r, ack)));
            socket.On<GetOnlineUsersRequest>(ChatEventNames.GetOnlineUsers, (r, ack) => session.RunInOrder(() => chat.GetOnlineUsersAsync(session, r, ack)));
            socket.On<SendPrivateMessageRequest>(ChatEventNames.SendPrivateMessage, (r, ack) => session.RunInOrder(() => direct.SendAsync(session, r, ack)));
            socket.OnDisconnect(_ => session.RunInOrder(() => chat.DisconnectAsync(session)));
        });
        return app;
    }
}
