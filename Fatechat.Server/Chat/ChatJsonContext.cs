using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Fatechat.Server.Private;

namespace Fatechat.Server.Chat;

/// <summary>
/// Source-generated System.Text.Json metadata for the socket payloads: events are bound straight from the frame's
/// bytes and replies written without reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(JoinRoomRequest))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(GetRecentMessagesRequest))]
[JsonSerializable(typeof(GetOnlineUsersRequest))]
[JsonSerializable(typeof(SendPrivateMessageRequest))]
[JsonSerializable(typeof(TypingRequest))]
[JsonSerializable(typeof(TypingPayload))]
[JsonSerializable(typeof(ReceiveMessagePayload))]
[JsonSerializable(typeof(OnlineUsersPayload))]
[JsonSerializable(typeof(RefusalPayload))]
[JsonSerializable(typeof(JoinedPayload))]
[JsonSerializable(typeof(AcceptedPayload))]
[JsonSerializable(typeof(List<MessageResponse>))]
[JsonSerializable(typeof(PrivateMessageResponse))]
[JsonSerializable(typeof(string))]
internal sealed partial class ChatJsonContext : JsonSerializerContext
{
    /// <summary>The Socket.IO server's options: these types from the context, any other by reflection.</summary>
    public static JsonSerializerOptions SocketOptions => new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(Default, new DefaultJsonTypeInfoResolver()),
    };
}
