using System.Collections;

namespace Fatechat.Server.Hosting;

/// <summary>
/// The short environment names deployments use (docker-compose, the Node server's habits). Each one sets its
/// setting, and a connection string also selects its backend, so setting <c>MYSQL_CONNECTION</c> alone moves
/// storage to MySQL. <c>FATECHAT__Section__Key</c> variables are read later and win over these.
/// </summary>
internal static class EnvironmentAliases
{
    private static readonly (string Variable, string Key, string? ProviderKey, string? Provider)[] Map =
    [
        ("PORT", "Fatechat:Server:Port", null, null),
        ("FATECHAT_NODE_ID", "Fatechat:Server:NodeId", null, null),
        ("JWT_SECRET", "Fatechat:Jwt:Secret", null, null),
        ("MYSQL_CONNECTION", "Fatechat:Storage:MySqlConnection", "Fatechat:Providers:Storage", "mysql"),
        ("KAFKA_BOOTSTRAP_SERVERS", "Fatechat:Kafka:BootstrapServers", "Fatechat:Providers:Bus", "kafka"),
        ("REDIS_CONNECTION", "Fatechat:Redis:Connection", "Fatechat:Providers:Cache", "redis"),
        ("REDIS_CONNECTION", "Fatechat:Redis:Connection", "Fatechat:Providers:Presence", "redis"),
        ("REDIS_CONNECTION", "Fatechat:Redis:Connection", "Fatechat:Providers:ClientMessageIds", "redis"),
    ];

    public static Dictionary<string, string?> Read(IDictionary environment)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (variable, key, providerKey, provider) in Map)
        {
            if (environment[variable] is not string value || value.Length == 0)
            {
                continue;
            }

            settings[key] = value;
            if (providerKey is not null)
            {
                settings[providerKey] = provider;
            }
        }

        return settings;
    }
}
