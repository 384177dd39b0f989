namespace Fatechat.Server.Options;

/// <summary>The <c>Fatechat:Redis</c> section.</summary>
public sealed class RedisOptions
{
    public const string Section = "Fatechat:Redis";

    /// <summary>A StackExchange.Redis configuration string, passed through unchanged.</summary>
    public string Connection { get; set; } = "";

    /// <summary>Prefix of every key Fatechat writes, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "fatechat:";

    /// <summary>How long a node's presence entries outlive its last heartbeat.</summary>
    public int PresenceTtlSeconds { get; set; } = 20;
}
