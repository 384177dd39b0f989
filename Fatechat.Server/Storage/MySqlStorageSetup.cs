using Fatechat.Server.Options;
using MySqlConnector;

namespace Fatechat.Server.Storage;

internal static class MySqlStorageSetup
{
    /// <summary>
    /// MySQL or MariaDB storage: one <see cref="MySqlDataSource"/> for the process, built from
    /// <c>Fatechat:Storage:MySqlConnection</c> (<c>MYSQL_CONNECTION</c>) passed through unchanged.
    /// </summary>
    public static IServiceCollection AddMySqlStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>()?.MySqlConnection;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "Fatechat:Providers:Storage is 'mysql' but Fatechat:Storage:MySqlConnection (MYSQL_CONNECTION) is empty.");
        }

        services.AddSingleton(sp => new MySqlDataSourceBuilder(connectionString)
            .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
            .Build());
        services.AddSingleton<MySqlDatabase>();
        services.AddSingleton<Hosting.IReadinessCheck>(sp => new Hosting.ReadinessCheck("storage", async ct =>
        {
            await using var connection = await sp.GetRequiredService<MySqlDatabase>().OpenAsync(ct);
            await using var ping = connection.CreateCommand();
            ping.CommandText = "SELECT 1";
            await ping.ExecuteScalarAsync(ct);
        }));
        services.AddSingleton<NodeAppImporter>();
        services.AddSingleton<ISchemaMigrator, MySqlSchemaMigrator>();
        services.AddSingleton<IUserRepository, MySqlUserRepository>();
        services.AddSingleton<IRoomRepository, MySqlRoomRepository>();
        services.AddSingleton<IMessageRepository, MySqlMessageRepository>();
        return services;
    }
}
