using System.Text.Json.Serialization;
using Fatechat.Server.Api;

namespace Fatechat.Server.Private;

/// <summary>
/// A direct message on the wire, the same for <c>receivePrivateMessage</c> and the REST history. <c>clientMessageId</c>
/// appears only on <c>receivePrivateMessage</c> of a send that had one (stored messages are read back without it).
/// </summary>
public sealed record PrivateMessageResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("messageText")] string MessageText,
    [property: JsonPropertyName("createdAt"), JsonConverter(typeof(UtcTimestampConverter))] DateTime CreatedAt,
    [property: JsonPropertyName("clientMessageId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientMessageId = null)
{
    public static PrivateMessageResponse Of(PrivateMessage m) => new(m.Id, m.FromMail, m.ToMail, m.Text, m.CreatedAt, m.ClientMessageId);
}
