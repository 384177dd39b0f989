namespace Fatechat.Protocol.EngineIO;

/// <summary>
/// Why a connection closed, spelled as the Node server spells them
/// (socketio/socket.io packages/engine.io/lib/socket.ts and packages/socket.io/lib/socket.ts).
/// </summary>
public static class CloseReasons
{
    public const string TransportClose = "transport close";
    public const string TransportError = "transport error";
    public const string PingTimeout = "ping timeout";
    public const string ParseError = "parse error";
    public const string ForcedClose = "forced close";
    public const string ServerShuttingDown = "server shutting down";
    /// <summary>The outbound queue hit its bound: the client reads slower than the server writes.</summary>
    public const string OutboundQueueFull = "outbound queue full";
    public const string ServerNamespaceDisconnect = "server namespace disconnect";
    public const string ClientNamespaceDisconnect = "client namespace disconnect";
    public const string ForcedServerClose = "forced server close";
}
