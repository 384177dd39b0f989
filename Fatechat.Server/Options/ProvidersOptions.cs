namespace Fatechat.Server.Options;

/// <summary>The <c>Fatechat:Providers</c> section: which backend each component uses.</summary>
public sealed class ProvidersOptions
{
    public const string Section = "Fatechat:Providers";

    public const string Sqlite = "sqlite";
    public const string MySql = "mysql";
    public const string InProcess = "inprocess";
    public const string Kafka = "kafka";
    public const string Memory = "memory";
    public const string Redis = "redis";

    /// <summary><c>sqlite</c> or <c>mysql</c>.</summary>
    public string Storage { get; set; } = Sqlite;

    /// <summary><c>inprocess</c> or <c>kafka</c>.</summary>
    public string Bus { get; set; } = InProcess;

    /// <summary>Recent-message cache: <c>memory</c> or <c>redis</c>.</summary>
    public string Cache { get; set; } = Memory;

    /// <summary>Who is online where: <c>memory</c> or <c>redis</c>.</summary>
    public string Presence { get; set; } = Memory;

    /// <summary>Claims of client message ids, which make retried sends idempotent: <c>memory</c> or <c>redis</c>.</summary>
    public string ClientMessageIds { get; set; } = Memory;
}
