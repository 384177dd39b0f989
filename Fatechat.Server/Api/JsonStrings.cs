using System.Text.Json;

namespace Fatechat.Server.Api;

/// <summary>
/// Reads strings out of client JSON without trusting them: <see cref="JsonElement.GetString"/> throws
/// <see cref="InvalidOperationException"/> on an escaped lone surrogate (<c>"\ud800"</c>) or invalid UTF-8, which
/// JavaScript clients can send and which must count as a bad value, not as a server failure with a stack trace.
/// </summary>
internal static class JsonStrings
{
    /// <summary>The element's text; false when it is not a string or cannot become UTF-16.</summary>
    public static bool TryGet(JsonElement element, out string? text)
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
