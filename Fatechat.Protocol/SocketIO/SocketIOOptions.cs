using System.Text.Json;
using Fatechat.Protocol.EngineIO;

namespace Fatechat.Protocol.SocketIO;

/// <summary>Socket.IO settings; defaults match the Node server (packages/socket.io/lib/index.ts).</summary>
public sealed class SocketIOOptions
{
    public EngineIOOptions Engine { get; set; } = new();

    /// <summary>A connection that has joined no namespace after this long is closed.</summary>
    public int ConnectTimeoutMs { get; set; } = 45_000;

    /// <summary>Most binary attachments one packet may announce.</summary>
    public int MaxAttachments { get; set; } = 64;

    /// <summary>
    /// Events of one socket that may wait while its handler runs (see <see cref="Namespace.HandleEventsConcurrently"/>);
    /// one more closes the connection: its client sends faster than its handlers finish.
    /// </summary>
    public int MaxQueuedEvents { get; set; } = 256;

    /// <summary>How event arguments are (de)serialized; camelCase names by default, as JavaScript expects.</summary>
    public JsonSerializerOptions Json { get; set; } = new(JsonSerializerDefaults.Web);

    /// <summary>Serve the socket.io-client bundle at <c>{path}socket.io.js</c> and its variants, as Node does.</summary>
    public bool ServeClient { get; set; } = true;
}
