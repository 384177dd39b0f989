namespace Fatechat.Server.Options;

/// <summary>The <c>Fatechat:SocketIO</c> section, copied onto the protocol's options at start-up.</summary>
public sealed class SocketIOSettings
{
    public const string Section = "Fatechat:SocketIO";

    public int PingIntervalMs { get; set; } = 25_000;
    public int PingTimeoutMs { get; set; } = 20_000;
    public int UpgradeTimeoutMs { get; set; } = 10_000;
    public int MaxPayload { get; set; } = 1_000_000;

    /// <summary>Where Socket.IO is served, with leading and trailing slash (socket.io-client's <c>path</c> option).</summary>
    public string Path { get; set; } = "/socket.io/";

    /// <summary>
    /// Origins a browser may open a Socket.IO session from (polling or WebSocket handshake, or an upgrade); empty
    /// allows any. A request without an <c>Origin</c> header (not a browser) is always allowed.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];
}
