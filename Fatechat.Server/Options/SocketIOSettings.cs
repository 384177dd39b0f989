namespace Fatechat.Server.Options;

/// <summary>The <c>Fatechat:SocketIO</c> section, copied onto the protocol's options at start-up.</summary>
public sealed class SocketIOSettings
{
    public const string Section = "Fatechat:SocketIO";

    public int PingIntervalMs { get; set; } = 25_000;
    public int PingTimeoutMs { get; set; } = 20_000;
    public int UpgradeTimeoutMs { get; set; } = 10_000;
    public int MaxPayload { get; set; } = 1_000_000;
}
