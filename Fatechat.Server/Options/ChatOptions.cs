namespace Fatechat.Server.Options;

/// <summary>The <c>Fatechat:Chat</c> section: message and history limits.</summary>
public sealed class ChatOptions
{
    public const string Section = "Fatechat:Chat";

    /// <summary>Longest accepted message, in characters (UTF-16 code units).</summary>
    public int MessageMaxLength { get; set; } = 4000;

    public int RoomNameMaxLength { get; set; } = 100;

    /// <summary>Upper bound of <c>getRecentMessages</c> counts; also how many messages per room the cache keeps.</summary>
    public int RecentMessagesCap { get; set; } = 100;

    /// <summary>
    /// Most bytes of one <c>getRecentMessages</c> reply (its JSON, estimated from the rows): the oldest rows are left
    /// out past it. The reply goes out as an event and again as the ack, and waits in the socket's outbound queue
    /// (<c>SocketIO:MaxBufferedBytes</c>), so a few requests must not fill it: 100 messages of 4,000 ASCII characters
    /// fit; of 4,000 two-byte characters (é, Cyrillic) about 63, of three-byte ones (CJK) about 42.
    /// </summary>
    public int RecentMessagesMaxBytes { get; set; } = 512 * 1024;

    /// <summary>Page size of the history endpoints when no <c>limit</c> is given (the Node server returned 20).</summary>
    public int DefaultPageSize { get; set; } = 20;

    public int MaxPageSize { get; set; } = 100;

    /// <summary>
    /// How long a user stays in a room's online list after their last socket there went away. A client back within
    /// it (a reload, a network change, a node restart) was never gone: no "left" and no "joined" row, no new welcome.
    /// </summary>
    public int ReconnectGraceMs { get; set; } = 5_000;

    /// <summary>
    /// How long a sent <c>clientMessageId</c> is remembered: a retry of the send within it is answered with the first
    /// attempt's message id and neither stored nor delivered again. Clients retry within seconds; this is the margin.
    /// </summary>
    public int ClientMessageIdTtlSeconds { get; set; } = 600;
}
