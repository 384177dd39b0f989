using System.Text.Json;

namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// What a reconnecting Socket.IO 4.6+ client sends in its CONNECT auth payload to recover its session: the private
/// session id it was given and the offset of the last event it received — none when it received no event with an
/// offset since it connected (socket.io-client then leaves it out).
/// </summary>
public sealed record SessionRecoveryRequest(string Pid, string? Offset)
{
    internal static SessionRecoveryRequest? From(JsonElement? auth) =>
        auth is { ValueKind: JsonValueKind.Object } payload
        && payload.TryGetProperty("pid", out var pid) && pid.ValueKind == JsonValueKind.String
            ? new SessionRecoveryRequest(pid.GetString()!,
                payload.TryGetProperty("offset", out var offset) && offset.ValueKind == JsonValueKind.String ? offset.GetString() : null)
            : null;
}
