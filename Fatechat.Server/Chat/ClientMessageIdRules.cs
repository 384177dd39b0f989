using System.Text.Json;

namespace Fatechat.Server.Chat;

/// <summary>What the optional <c>clientMessageId</c> of <c>sendMessage</c> and <c>sendPrivateMessage</c> may hold.</summary>
public static class ClientMessageIdRules
{
    /// <summary>
    /// Not a setting: the database's key columns are sized for it (Storage/Sql/*/client_message_ids). Enough for a
    /// UUID, a ULID or a nanoid with a prefix.
    /// </summary>
    public const int MaxLength = 64;

    public static readonly string Problem =
        $"clientMessageId must be a string of 1 to {MaxLength} visible ASCII characters (no spaces)";

    /// <summary>
    /// The reason the value is refused, or null with the id (null when absent or JSON null: a send without one).
    /// Visible ASCII only, so ids compare the same as bytes in Redis and SQL, without case, accent or trailing-space rules.
    /// </summary>
    public static string? Check(JsonElement? value, out string? clientMessageId)
    {
        clientMessageId = null;
        if (value is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String || element.GetString() is not { Length: > 0 and <= MaxLength } id || !IsVisibleAscii(id))
        {
            return Problem;
        }

        clientMessageId = id;
        return null;
    }

    private static bool IsVisibleAscii(string id)
    {
        foreach (var c in id)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
