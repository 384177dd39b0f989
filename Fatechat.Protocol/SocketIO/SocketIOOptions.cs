using System.Text.Json;
using Fatechat.Protocol.EngineIO;

namespace Fatechat.Protocol.SocketIO;

/// <summary>Socket.IO settings; defaults match the Node server (packages/socket.io/lib/index.ts).</summary>
public sealed class SocketIOOptions
{
    public EngineIOOptions Engine { get; set; } = new();

    /// <summary>A connection that has joined no namespace after this long is closed.</summary>
    public int ConnectTimeoutMs { get; set; } = 45_000;

    /// <summary>Most binary attachments one packet may announce; more closes the connection (Node's parser caps it at 10).</summary>
    public int MaxAttachments { get; set; } = 10;

    /// <summary>
    /// How long a binary packet may take from its text part to its last attachment; past it the connection is closed
    /// with <c>parse error</c>, so that a half-sent packet cannot hold its attachments for the life of the connection.
    /// Its bytes are bounded too: text part and attachments together at most <see cref="EngineIOOptions.MaxPayload"/>.
    /// </summary>
    public int AttachmentTimeoutMs { get; set; } = 10_000;

    /// <summary>
    /// Events of one socket that may wait while its handler runs (see <see cref="Namespace.HandleEventsConcurrently"/>);
    /// one more closes the connection: its client sends faster than its handlers finish.
    /// </summary>
    public int MaxQueuedEvents { get; set; } = 256;

    /// <summary>How event arguments are (de)serialized; camelCase names by default, as JavaScript expects.</summary>
    public JsonSerializerOptions Json { get; set; } = new(JsonSerializerDefaults.Web);

    /// <summary>Connection state recovery (Socket.IO 4.6+ clients); null, the default as in Node, turns it off.</summary>
    public ConnectionStateRecoveryOptions? ConnectionStateRecovery { get; set; }

    /// <summary>Serve the socket.io-client bundle at <c>{path}socket.io.js</c> and its variants, as Node does.</summary>
    public bool ServeClient { get; set; } = true;
}

/// <summary>
/// Connection state recovery: each socket gets a private session id (<c>pid</c>) in its CONNECT; a client that
/// reconnects with <c>{pid, offset}</c> in its auth payload is offered to <see cref="Namespace.RecoverSession"/>,
/// which decides whether the session can be restored in full. Unlike Node, the middleware still runs.
/// </summary>
public sealed class ConnectionStateRecoveryOptions
{
    /// <summary>How long after a disconnect a session may be recovered (Node's <c>maxDisconnectionDuration</c>).</summary>
    public int MaxDisconnectionDurationMs { get; set; } = 120_000;
}
