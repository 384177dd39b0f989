namespace Fatechat.Server.Chat;

/// <summary>
/// The rows of a <c>getRecentMessages</c> reply, newest first, cut to a byte budget (<c>Chat:RecentMessagesMaxBytes</c>):
/// the count cap alone lets 100 messages of 4,000 three-byte characters make a 1.2 MB reply, sent twice (event and ack).
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
    /// The string's length as the Socket.IO encoder writes it (relaxed escaping: UTF-8 as is), at most: a quote or a
    /// backslash is two bytes, a control character six (<c>\uXXXX</c>), anything else its UTF-8 length — a lone
    /// surrogate, which the encoder replaces, three.
    /// </summary>
    internal static int EncodedLength(string text)
    {
        int length = 0;
        foreach (char c in text)
        {
            length += c switch
            {
                < ' ' => 6,
                '"' or '\\' => 2,
                < (char)0x80 => 1,
                < (char)0x800 => 2,
                >= (char)0xD800 and <= (char)0xDFFF => 2, // half of a pair: four bytes for the two
                _ => 3,
            };
        }

        return length;
    }
}
