using Microsoft.Extensions.Logging;

namespace Fatechat.Protocol.Logging;

/// <summary>Log events of the protocol layer: 1000–1099 Engine.IO, 1100–1199 Socket.IO.</summary>
internal static partial class ProtocolLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Close handler of session {Sid} failed")]
    public static partial void CloseHandlerFailed(ILogger logger, Exception exception, string sid);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Message handler of session {Sid} failed; closing it")]
    public static partial void MessageHandlerFailed(ILogger logger, Exception exception, string sid);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Session {Sid} opened over {Transport} (Engine.IO v{Protocol})")]
    public static partial void ConnectionOpened(ILogger logger, string sid, string transport, int protocol);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Session {Sid} on {Transport} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, string sid, string transport, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Session {Sid} ({Transport}) had {Frames} frames of {Bytes} bytes waiting to be sent; closing it: outbound queue full")]
    public static partial void OutboundQueueFull(ILogger logger, string sid, string transport, int frames, long bytes);

    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "Invalid packet from session {Sid}: {Error}; closing it")]
    public static partial void InvalidPacket(ILogger logger, string sid, string error);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Packet {Type} for namespace {Namespace} in an invalid state; closing session {Sid}")]
    public static partial void InvalidState(ILogger logger, string sid, string type, string @namespace);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Event {Event} from socket {Socket} had an invalid payload")]
    public static partial void InvalidEventPayload(ILogger logger, string @event, string socket);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "Handler on socket {Socket} of namespace {Namespace} failed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string socket, string @namespace);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Socket {Socket} had more than {Capacity} events waiting for its handlers; closing its connection")]
    public static partial void EventQueueFull(ILogger logger, string socket, int capacity);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Error, Message = "Middleware of namespace {Namespace} failed")]
    public static partial void MiddlewareFailed(ILogger logger, Exception exception, string @namespace);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Error, Message = "Session recovery in namespace {Namespace} failed; the client starts a fresh session")]
    public static partial void RecoveryFailed(ILogger logger, Exception exception, string @namespace);
}
