using Fatechat.Server.Caching;
using Fatechat.Server.Messaging;
using Fatechat.Server.Options;
using Fatechat.Server.Storage;

namespace Fatechat.Server.Hosting;

internal static class AdapterSetup
{
    /// <summary>
    /// Picks one implementation per component from <c>Fatechat:Providers</c>. The embedded ones (SQLite, in-process
    /// bus, in-memory cache, presence and client message ids) need nothing installed; MySQL, Kafka and Redis plug in here.
    /// </summary>
    public static IServiceCollection AddFatechatAdapters(this IServiceCollection services, IConfiguration configuration)
    {
        var providers = configuration.GetSection(ProvidersOptions.Section).Get<ProvidersOptions>() ?? new();
        // A node that is shutting down takes no new clients: the balancer sends them elsewhere while it drains.
        services.AddSingleton<IReadinessCheck>(sp => new ReadinessCheck("node", _ =>
            sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested
                ? Task.FromException(new InvalidOperationException("shutting down"))
                : Task.CompletedTask));

        switch (Normalize(providers.Storage))
        {
            case ProvidersOptions.Sqlite:
                services.AddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<ContentPaths>().SqlitePath));
                services.AddSingleton<IReadinessCheck>(sp => new ReadinessCheck("storage", async ct =>
                {
                    await using var connection = await sp.GetRequiredService<SqliteDatabase>().OpenAsync(ct);
                }));
                services.AddSingleton<ISchemaMigrator, SqliteSchemaMigrator>();
                services.AddSingleton<IUserRepository, SqliteUserRepository>();
                services.AddSingleton<IRoomRepository, SqliteRoomRepository>();
                services.AddSingleton<IMessageRepository, SqliteMessageRepository>();
                break;
            case ProvidersOptions.MySql:
                services.AddMySqlStorage(configuration);
                break;
            default:
                throw Unsupported("Storage", providers.Storage, "sqlite, mysql");
        }

        switch (Normalize(providers.Bus))
        {
            case ProvidersOptions.InProcess:
                services.AddSingleton<IChatBus, InProcessChatBus>();
                break;
            case ProvidersOptions.Kafka:
                services.AddKafkaChatBus(configuration);
                break;
            default:
                throw Unsupported("Bus", providers.Bus, "inprocess, kafka");
        }

        switch (Normalize(providers.Cache))
        {
            case ProvidersOptions.Memory:
                services.AddSingleton<IRecentMessageCache, InMemoryRecentMessageCache>();
                break;
            case ProvidersOptions.Redis:
                services.AddRedisRecentMessageCache(configuration);
                break;
            default:
                throw Unsupported("Cache", providers.Cache, "memory, redis");
        }

        switch (Normalize(providers.Presence))
        {
            case ProvidersOptions.Memory:
                services.AddSingleton<IPresenceStore, InMemoryPresenceStore>();
                services.AddSingleton<ISessionRecordStore, InMemorySessionRecordStore>();
                break;
            case ProvidersOptions.Redis:
                services.AddRedisPresence(configuration);
                break;
            default:
                throw Unsupported("Presence", providers.Presence, "memory, redis");
        }

        switch (Normalize(providers.ClientMessageIds))
        {
            case ProvidersOptions.Memory:
                services.AddSingleton<IClientMessageIdStore, InMemoryClientMessageIdStore>();
                break;
            case ProvidersOptions.Redis:
                services.AddRedisClientMessageIds(configuration);
                break;
            default:
                throw Unsupported("ClientMessageIds", providers.ClientMessageIds, "memory, redis");
        }

        services.AddHostedService<StorageInitializer>();
        return services;
    }

    private static string Normalize(string? value) => (value ?? "").Trim().ToLowerInvariant();

    private static FatechatConfigurationException Unsupported(string component, string? value, string available) => new(
        $"Fatechat:Providers:{component} is '{value}', which this build does not provide (available: {available}).");
}
