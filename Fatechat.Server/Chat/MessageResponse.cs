using System.Text.Json.Serialization;
using Fatechat.Server.Api;

namespace Fatechat.Server.Chat;

/// <summary>
/// A stored room message as REST and <c>recentMessages</c> return it, with the Node server's column names.
/// <c>id</c> is a ULID string (the Node server's was an auto-increment number): it sorts by time and stays exact in JavaScript.
/// </summary>
public sealed record MessageResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("message_text")] string MessageText,
    [property: JsonPropertyName("sender_mail")] string SenderMail,
    [property: JsonPropertyName("is_event")] bool IsEvent,
    [property: JsonPropertyName("room_name")] string RoomName,
    [property: JsonPropertyName("createdAt"), JsonConverter(typeof(UtcTimestampConverter))] DateTime CreatedAt,
    [property: JsonPropertyName("updatedAt"), JsonConverter(typeof(UtcTimestampConverter))] DateTime UpdatedAt)
{
    public static MessageResponse From(ChatMessage m) => new(m.Id, m.Text, m.SenderMail, m.IsEvent, m.RoomName, m.CreatedAt, m.CreatedAt);
}
