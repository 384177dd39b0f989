using Fatechat.Server.Options;

namespace Fatechat.Server.Chat;

/// <summary>What a room or private message may hold.</summary>
public static class MessageRules
{
    /// <summary>The reason a message text is refused, or null.</summary>
    public static string? Check(string? text, ChatOptions options)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "Message is empty";
        }

        return text.Length > options.MessageMaxLength
            ? $"Message is longer than {options.MessageMaxLength} characters"
            : null;
    }
}
