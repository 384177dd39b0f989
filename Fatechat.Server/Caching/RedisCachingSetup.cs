using Fatechat.Server.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace Fatechat.Server.Caching;

internal static class RedisCachingSetup
{
    public static IServiceCollection AddRedisRecentMessageCache(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRedisConnection(configuration, "Cache");
        services.AddSingleton<IRecentMessageCache, RedisRecentMessageCache>();
        return services;
    }

    public static IServiceCollection AddRedisPresence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRedisConnection(configuration, "Presence");
        services.AddSingleton<RedisPresenceStore>();
        services.AddSingleton<IPresenceStore>(sp => sp.GetRequiredService<RedisPresenceStore>());
        services.AddHostedService<RedisPresenceHeartbeat>();
        services.AddSingleton<ISessionRecordStore, RedisSessionRecordStore>();
        return services;
    }

    public static IServiceCollection AddRedisClientMessageIds(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRedisConnection(configuration, "ClientMessageIds");
        services.AddSingleton<IClientMessageIdStore, RedisClientMessageIdStore>();
        return services;
    }

    /// <summary>One multiplexer for the process, whichever components use Redis.</summary>
    private static void AddRedisConnection(this IServiceCollection services, IConfiguration configuration, string component)
    {
        var connection = configuration.GetSection(RedisOptions.Section).Get<RedisOptions>()?.Connection;
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new InvalidOperationException(
                $"Fatechat:Providers:{component} is 'redis' but Fatechat:Redis:Connection (REDIS_CONNECTION) is empty.");
        }

        services.TryAddSingleton<RedisKeys>();
        // One check however many components use the connection.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IReadinessCheck, RedisReadinessCheck>());
        services.TryAddSingleton<IConnectionMultiplexer>(sp =>
            RedisConnector.Connect(connection, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Fatechat.Server.Caching.Redis")));
    }
}

/// <summary>Redis answers a PING on the shared connection.</summary>
internal sealed class RedisReadinessCheck(IConnectionMultiplexer redis) : Hosting.IReadinessCheck
{
    public string Name => "redis";

    public async Task CheckAsync(CancellationToken cancellationToken) => await redis.GetDatabase().PingAsync();
}
