using System.Text;

namespace Fatechat.Tests.Support;

/// <summary>One WebSocket message as the client received it: text, binary, or the end of the connection.</summary>
public sealed record EngineMessage(string? Text, byte[]? Binary)
{
    public static readonly EngineMessage Closed = new(null, null);

    public bool IsClosed => Text is null && Binary is null;

    public override string ToString() =>
        Text ?? (Binary is not null ? $"<binary {Convert.ToHexString(Binary)}>" : "<closed>");

    public static EngineMessage FromText(string text) => new(text, null);

    public static EngineMessage FromBytes(byte[] bytes, bool isText) =>
        isText ? new(Encoding.UTF8.GetString(bytes), null) : new(null, bytes);
}
