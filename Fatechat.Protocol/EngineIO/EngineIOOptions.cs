namespace Fatechat.Protocol.EngineIO;

/// <summary>Engine.IO settings; defaults match the Node server (packages/engine.io/lib/server.ts).</summary>
public sealed class EngineIOOptions
{
    /// <summary>Request path, with leading and trailing slash.</summary>
    public string Path { get; set; } = "/socket.io/";
    public int PingIntervalMs { get; set; } = 25_000;
    public int PingTimeoutMs { get; set; } = 20_000;
    public int UpgradeTimeoutMs { get; set; } = 10_000;
    /// <summary>How long a polling session closed by the server waits for a GET to fetch its last packets.</summary>
    public int CloseTimeoutMs { get; set; } = 30_000;
    /// <summary>Largest accepted message or polling body, in bytes (Node's <c>maxHttpBufferSize</c>).</summary>
    public int MaxPayload { get; set; } = 1_000_000;
    public bool AllowPolling { get; set; } = true;
    public bool AllowWebSocket { get; set; } = true;
    public bool AllowUpgrades { get; set; } = true;
    /// <summary>
    /// Also speak Engine.IO v3 (socket.io-client 2.x): a handshake whose <c>EIO</c> is not <c>4</c> opens a v3
    /// session, as Node's <c>allowEIO3</c> does. Off by default, as in Node.
    /// </summary>
    public bool AllowEIO3 { get; set; }
    /// <summary>Frames queued for one client before it counts as too slow and is disconnected.</summary>
    public int MaxQueuedFrames { get; set; } = 4096;
    /// <summary>
    /// Bytes (payloads and attachments) queued for one client before it is disconnected with
    /// <c>outbound queue full</c>: what a client that asks for replies and never reads them can make the server hold.
    /// A single frame larger than this still goes to a client with nothing else queued. Node has no such bound.
    /// </summary>
    public long MaxBufferedBytes { get; set; } = 4 * 1024 * 1024;
    /// <summary>
    /// How long the connection door (<c>UseSocketIOWebSockets</c>) waits for a new connection's first request head;
    /// a connection that has sent no whole head by then is handed to Kestrel's HTTP layer and its own timeouts.
    /// </summary>
    public int RequestHeadTimeoutMs { get; set; } = 10_000;
    /// <summary>
    /// Origins a handshake or upgrade may come from; empty allows any. Requests without an <c>Origin</c> header
    /// (no browser) pass; any other origin is refused with 403 <c>Forbidden</c> on both doors.
    /// </summary>
    public IList<string> AllowedOrigins { get; set; } = new List<string>();
    /// <summary>CORS for the Engine.IO endpoint; null leaves CORS headers out, as Node does by default.</summary>
    public EngineIOCorsOptions? Cors { get; set; }
}

/// <summary>Cross-origin settings for browsers served from another origin.</summary>
public sealed class EngineIOCorsOptions
{
    /// <summary>Allowed origins; <c>*</c> allows any.</summary>
    public IList<string> Origins { get; set; } = new List<string> { "*" };
    public bool Credentials { get; set; }
}
