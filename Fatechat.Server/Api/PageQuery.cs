using Fatechat.Server.Messaging;
using Fatechat.Server.Options;

namespace Fatechat.Server.Api;

/// <summary><c>?before={messageId}&amp;limit={n}</c> on the history endpoints, checked by hand for clear 400 messages.</summary>
public readonly record struct PageQuery(string? BeforeId, int Limit)
{
    public static bool TryParse(string? before, string? limit, ChatOptions options, out PageQuery page, out string? error)
    {
        page = default;
        error = null;
        var size = options.DefaultPageSize;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, out size) || size < 1 || size > options.MaxPageSize))
        {
            error = $"limit must be an integer from 1 to {options.MaxPageSize}";
            return false;
        }

        if (!string.IsNullOrEmpty(before) && !MessageIdGenerator.IsValid(before.ToUpperInvariant()))
        {
            error = "before must be a message id";
            return false;
        }

        page = new PageQuery(string.IsNullOrEmpty(before) ? null : before.ToUpperInvariant(), size);
        return true;
    }
}
