namespace Fatechat.Server.Private;

/// <summary>
/// A direct message between two users, keyed like <see cref="Chat.ChatMessage"/> by a ULID, with the sender's client
/// message id as there.
/// </summary>
public sealed record PrivateMessage(string Id, string FromMail, string ToMail, string Text, DateTime CreatedAt, string? ClientMessageId = null)
{
    /// <summary>The same key for both directions of a conversation, so one index serves both.</summary>
    public static string ConversationKey(string a, string b) =>
        string.CompareOrdinal(a, b) <= 0 ? $"{a}\n{b}" : $"{b}\n{a}";
}
