namespace Fatechat.Server.Options;

/// <summary>The <c>Fatechat:SocketIO</c> section, copied onto the protocol's options at start-up.</summary>
public sealed class SocketIOSettings
{
    public const string Section = "Fatechat:SocketIO";

    public int PingIntervalMs { get; set; } = 25_000;
    public int PingTimeoutMs { get; set; } = 20_000;
    public int UpgradeTimeoutMs { get; set; } = 10_000;
    public int MaxPayload { get; set; } = 1_000_000;

    /// <summary>
    /// Bytes queued for one client (replies and broadcasts it has not read yet) before it is disconnected with
    /// <c>outbound queue full</c>, logged at Warning.
    /// </summary>
    public long MaxBufferedBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Most binary attachments one packet may announce (Node's parser allows 10).</summary>
    public int MaxAttachments { get; set; } = 10;

    /// <summary>How long a binary packet may take to bring all its attachments before the connection is closed.</summary>
    public int AttachmentTimeoutMs { get; set; } = 10_000;

    /// <summary>Where Socket.IO is served, with leading and trailing slash (socket.io-client's <c>path</c> option).</summary>
    public string Path { get; set; } = "/socket.io/";

    /// <summary>
    /// Origins a browser may open a Socket.IO session from (polling or WebSocket handshake, or an upgrade); empty
    /// allows any. A request without an <c>Origin</c> header (not a browser) is always allowed.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Also serve Engine.IO v3 / Socket.IO v4 clients (socket.io-client 2.x, Postman's "v2" client), as Node's
    /// <c>allowEIO3</c>; on here because the Node app's users may still run them.
    /// </summary>
    public bool AllowEIO3 { get; set; } = true;

    /// <summary>
    /// Connection state recovery for Socket.IO 4.6+ clients: a client back within <see cref="MaxDisconnectionDurationMs"/>
    /// gets its socket id, rooms and every message it missed, on any node.
    /// </summary>
    public bool ConnectionStateRecovery { get; set; } = true;

    public int MaxDisconnectionDurationMs { get; set; } = 120_000;
}
