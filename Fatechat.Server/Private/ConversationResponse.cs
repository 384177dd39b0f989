using System.Text.Json.Serialization;

namespace Fatechat.Server.Private;

/// <summary>One entry of <c>GET /api/private</c>: the other person and the latest message between the two.</summary>
public sealed record ConversationResponse(
    [property: JsonPropertyName("with")] string With,
    [property: JsonPropertyName("lastMessage")] PrivateMessageResponse LastMessage)
{
    public static ConversationResponse Of(string caller, PrivateMessage latest) => new(
        string.Equals(latest.FromMail, caller, StringComparison.OrdinalIgnoreCase) ? latest.ToMail : latest.FromMail,
        PrivateMessageResponse.Of(latest));
}
