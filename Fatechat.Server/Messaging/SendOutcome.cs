namespace Fatechat.Server.Messaging;

/// <summary>
/// The answer to a user's send: the message id to acknowledge (the first attempt's, for a retry), or why the
/// send was refused.
/// </summary>
public sealed record SendOutcome(string? MessageId, string? Refusal)
{
    public static SendOutcome Accepted(string messageId) => new(messageId, null);

    public static SendOutcome Refused(string reason) => new(null, reason);
}
