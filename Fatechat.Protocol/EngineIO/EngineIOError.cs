using System.Text;

namespace Fatechat.Protocol.EngineIO;

/// <summary>
/// The handshake and request errors of the Node server, answered as HTTP 400 (403 for Forbidden) with
/// <c>{"code":n,"message":"..."}</c> (socketio/socket.io packages/engine.io/lib/server.ts, <c>Server.errors</c>).
/// </summary>
public sealed class EngineIOError
{
    public static readonly EngineIOError UnknownTransport = new(0, "Transport unknown");
    public static readonly EngineIOError UnknownSid = new(1, "Session ID unknown");
    public static readonly EngineIOError BadHandshakeMethod = new(2, "Bad handshake method");
    public static readonly EngineIOError BadRequest = new(3, "Bad request");
    public static readonly EngineIOError Forbidden = new(4, "Forbidden");
    public static readonly EngineIOError UnsupportedProtocolVersion = new(5, "Unsupported protocol version");

    private EngineIOError(int code, string message)
    {
        Code = code;
        Message = message;
        Body = Encoding.UTF8.GetBytes($"{{\"code\":{code},\"message\":\"{message}\"}}");
    }

    public int Code { get; }
    public string Message { get; }
    public int StatusCode => Code == 4 ? 403 : 400;
    internal byte[] Body { get; }
}
