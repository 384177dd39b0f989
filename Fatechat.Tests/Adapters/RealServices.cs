using MySqlConnector;
using StackExchange.Redis;

namespace Fatechat.Tests.Adapters;

/// <summary>
/// Where the real services are: <c>MYSQL_CONNECTION</c> and <c>REDIS_CONNECTION</c> (printed by
/// <c>.ci/services.sh</c>), else that script's defaults. A service that does not answer fails the test under CI
/// (<c>CI=true</c>) and ignores it, with the reason, on a developer's machine.
/// </summary>
internal static class RealServices
{
    private const string DefaultMySql = "Server=127.0.0.1;Port=3306;User ID=fatechat;Password=fatechat;Database=fatechat_test";
    private const string DefaultRedis = "127.0.0.1:6379";

    private static readonly Lazy<string?> MySqlProblem = new(ProbeMySql);
    private static readonly Lazy<string?> RedisProblem = new(ProbeRedis);

    public static string MySqlConnection => Environment.GetEnvironmentVariable("MYSQL_CONNECTION") is { Length: > 0 } value ? value : DefaultMySql;

    public static string RedisConnection => Environment.GetEnvironmentVariable("REDIS_CONNECTION") is { Length: > 0 } value ? value : DefaultRedis;

    /// <summary>The MySQL connection string, or the end of the test if the server does not answer.</summary>
    public static string RequireMySql()
    {
        Require("MySQL", MySqlProblem.Value);
        return MySqlConnection;
    }

    /// <summary>The Redis configuration string, or the end of the test if the server does not answer.</summary>
    public static string RequireRedis()
    {
        Require("Redis", RedisProblem.Value);
        return RedisConnection;
    }

    private static void Require(string service, string? problem)
    {
        if (problem is null)
        {
            return;
        }

        var message = $"{service} is not reachable ({problem}); start it with `eval \"$(bash .ci/services.sh)\"`.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message);
        }

        Assert.Ignore(message);
    }

    private static string? ProbeMySql()
    {
        try
        {
            var builder = new MySqlConnectionStringBuilder(MySqlConnection) { ConnectionTimeout = 5 };
            using var connection = new MySqlConnection(builder.ConnectionString);
            connection.Open();
            return null;
        }
        catch (Exception e)
        {
            return $"{MySqlConnection.Split(';').FirstOrDefault()}: {e.Message}";
        }
    }

    private static string? ProbeRedis()
    {
        try
        {
            var options = ConfigurationOptions.Parse(RedisConnection);
            options.ConnectTimeout = 5000;
            using var redis = ConnectionMultiplexer.Connect(options);
            redis.GetDatabase().Ping();
            return null;
        }
        catch (Exception e)
        {
            return $"{RedisConnection}: {e.Message}";
        }
    }
}
