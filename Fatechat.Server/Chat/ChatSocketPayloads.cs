using System.Text.Json;
using System.Text.Json.Serialization;
using Fatechat.Server.Api;

namespace Fatechat.Server.Chat;

// Client → server payloads. Every field is optional here so a missing one is refused with a message, not a crash.

public sealed record JoinRoomRequest([property: JsonPropertyName("roomName")] string? RoomName);

/// <summary>
/// <c>clientMessageId</c> (optional) is the client's own id for this send: a retry with the same id is answered with
/// the first attempt's message id and not sent again. Read as any JSON value so a wrong type is refused by name
/// (<see cref="ClientMessageIdRules"/>).
/// </summary>
public sealed record SendMessageRequest(
    [property: JsonPropertyName("roomName")] string? RoomName,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("clientMessageId")] JsonElement? ClientMessageId = null);

/// <summary><c>count</c> may arrive as a number or a numeric string (the Node server coerced it).</summary>
public sealed record GetRecentMessagesRequest(
    [property: JsonPropertyName("roomName")] string? RoomName,
    [property: JsonPropertyName("count")] JsonElement? Count);

/// <summary><c>typing</c> and <c>stopTyping</c>, both ways: the room, and (server → client) who.</summary>
public sealed record TypingRequest([property: JsonPropertyName("roomName")] string? RoomName);

public sealed record TypingPayload(
    [property: JsonPropertyName("roomName")] string RoomName,
    [property: JsonPropertyName("userMail")] string UserMail);

public sealed record GetOnlineUsersRequest([property: JsonPropertyName("roomName")] string? RoomName);

/// <summary><c>clientMessageId</c> as in <see cref="SendMessageRequest"/>.</summary>
public sealed record SendPrivateMessageRequest(
    [property: JsonPropertyName("to")] string? To,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("clientMessageId")] JsonElement? ClientMessageId = null);

// Server → client payloads, keys in the Node server's order; id, createdAt and clientMessageId are additions.

/// <summary><c>clientMessageId</c> only when the sender gave one, so that its client can match its optimistic copy.</summary>
public sealed record ReceiveMessagePayload(
    [property: JsonPropertyName("roomName")] string RoomName,
    [property: JsonPropertyName("messageText")] string MessageText,
    [property: JsonPropertyName("userMail")] string UserMail,
    [property: JsonPropertyName("isEvent")] bool IsEvent,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("createdAt"), JsonConverter(typeof(UtcTimestampConverter))] DateTime CreatedAt,
    [property: JsonPropertyName("clientMessageId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientMessageId)
{
    public static ReceiveMessagePayload From(ChatMessage m) => new(m.RoomName, m.Text, m.SenderMail, m.IsEvent, m.Id, m.CreatedAt, m.ClientMessageId);
}

/// <summary><c>users</c> is always present, <c>[]</c> for an empty room (the Node server left it out).</summary>
public sealed record OnlineUsersPayload(
    [property: JsonPropertyName("roomName")] string RoomName,
    [property: JsonPropertyName("users")] IReadOnlyList<string> Users);

/// <summary>The <c>error</c> event, and the ack of a refused request when the client asked for one.</summary>
public sealed record RefusalPayload(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("event")] string Event);

/// <summary>The ack of a <c>joinRoom</c>: the room's stored spelling.</summary>
public sealed record JoinedPayload(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("roomName")] string RoomName);

public sealed record AcceptedPayload(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("id")] string? Id);
