namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// Thrown by a namespace middleware to refuse a connection: the client receives CONNECT_ERROR
/// <c>{"message": Message, "data": Data}</c> and sees it as <c>connect_error</c>.
/// </summary>
public sealed class SocketIOConnectException(string message, object? data = null) : Exception(message)
{
    /// <summary>Extra details sent to the client (Node's <c>err.data</c>).</summary>
    public object? Details { get; } = data;
}
