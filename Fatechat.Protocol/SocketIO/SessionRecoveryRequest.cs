using System.Text.Json;

namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// What a reconnecting Socket.IO 4.6+ client sends in its CONNECT auth payload to recover its session: the private
/// session id it was given and the offset of the last event it received — none when it received no event with an
/// offset since it connected (socket.io-client then leaves it out).
/// </summary>
public sealed record SessionRecoveryRequest(string Pid, string? Offset)
{
    /// <summary>The request in a CONNECT auth payload; null when there is none, or its strings cannot become UTF-16.</summary>
    internal static SessionRecoveryRequest? From(JsonElement? auth) =>
        auth is { ValueKind: JsonValueKind.Object } payload
        && payload.TryGetProperty("pid", out var pid) && TryGetString(pid, out string? pidText)
            ? new SessionRecoveryRequest(pidText!,
                payload.TryGetProperty("offset", out var offset) && TryGetString(offset, out string? offsetText) ? offsetText : null)
            : null;

    /// <summary>A JSON string as UTF-16; false for other kinds and for a lone surrogate or invalid UTF-8, where GetString throws.</summary>
    private static bool TryGetString(JsonElement element, out string? text)
    {
        text = null;
        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        try
        {
            text = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
