namespace Fatechat.Server.Options;

/// <summary>The <c>Fatechat:Storage</c> section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Fatechat:Storage";

    /// <summary>SQLite database file; empty means <c>fatechat.db</c> in the data folder. Relative paths start at the content root.</summary>
    public string SqlitePath { get; set; } = "";

    /// <summary>A MySqlConnector connection string, passed through unchanged.</summary>
    public string MySqlConnection { get; set; } = "";
}
