namespace Fatechat.Server.Chat;

/// <summary>
/// The rows of a <c>getRecentMessages</c> reply, newest first, cut to a byte budget (<c>Chat:RecentMessagesMaxBytes</c>):
/// the count cap alone lets 100 messages of 4,000 escaped characters make a 2.4 MB reply.
/// </summary>
internal static class RecentMessagesReply
{
    /// <summary>The keys, quotes, id and two timestamps of one row, around its three strings.</summary>
    private const int RowOverhead = 200;

    /// <summary>Newest first, as many rows as fit in <paramref name="maxBytes"/>; the newest always, whatever its size.</summary>
    public static List<MessageResponse> Bound(IReadOnlyList<ChatMessage> latest, int maxBytes)
    {
        var rows = new List<MessageResponse>(latest.Count);
        long total = 0;
        foreach (var message in latest)
        {
            total += RowOverhead + EncodedLength(message.Text) + EncodedLength(message.SenderMail) + EncodedLength(message.RoomName);
            if (total > maxBytes && rows.Count > 0)
            {
                break;
            }

            rows.Add(MessageResponse.From(message));
        }

        return rows;
    }

    /// <summary>
    /// An upper bound of the string's length in System.Text.Json's default (escaping) encoder: plain ASCII is a byte,
    /// anything it may escape — non-ASCII, control and HTML-sensitive characters — six (<c>\uXXXX</c>).
    /// </summary>
    internal static int EncodedLength(string text)
    {
        int length = 0;
        foreach (char c in text)
        {
            length += c is >= ' ' and < (char)0x7F and not ('"' or '\\' or '<' or '>' or '&' or '\'' or '+' or '`') ? 1 : 6;
        }

        return length;
    }
}
