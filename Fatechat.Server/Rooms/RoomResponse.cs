using System.Text.Json.Serialization;
using Fatechat.Server.Api;

namespace Fatechat.Server.Rooms;

/// <summary>A room on the wire: <c>{id, name, createdAt, updatedAt}</c>.</summary>
public sealed record RoomResponse(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("createdAt"), JsonConverter(typeof(UtcTimestampConverter))] DateTime CreatedAt,
    [property: JsonPropertyName("updatedAt"), JsonConverter(typeof(UtcTimestampConverter))] DateTime UpdatedAt)
{
    public static RoomResponse From(ChatRoom room) => new(room.Id, room.Name, room.CreatedAt, room.UpdatedAt);
}
