using Fatechat.Server.Messaging;

namespace Fatechat.Server.Chat;

internal static class ChatServices
{
    public static IServiceCollection AddFatechatChat(this IServiceCollection services)
    {
        services.AddSingleton<MessageIdGenerator>();
        services.AddSingleton<RoomHistory>();
        services.AddSingleton<ClientMessagePublisher>();
        return services;
    }
}
