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

    /// <summary>Page size of the history endpoints when no <c>limit</c> is given (the Node server returned 20).</summary>
    public int DefaultPageSize { get; set; } = 20;

    public int MaxPageSize { get; set; } = 100;
}
