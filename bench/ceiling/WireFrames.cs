using System.Buffers;
using System.Text.Json;

namespace Fatechat.Bench.Ceiling;

/// The ceiling's own minimal framing: a text frame holding `[event, payload]`, nothing else.
internal static class WireFrames
{
    public readonly record struct Inbound(string Event, string? RoomName, string? Message);

    /// Reads `["event",{"roomName":..,"message":..}]`; false for anything else.
    public static bool TryParse(ReadOnlySpan<byte> utf8, out Inbound inbound)
    {
        inbound = default;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) return false;
            if (!reader.Read() || reader.TokenType != JsonTokenType.String) return false;
            var eventName = reader.GetString()!;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            string? roomName = null, message = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isRoom = reader.ValueTextEquals("roomName"u8);
                var isMessage = !isRoom && reader.ValueTextEquals("message"u8);
                if (!reader.Read()) return false;
                if (reader.TokenType == JsonTokenType.String)
                {
                    if (isRoom) roomName = reader.GetString();
                    else if (isMessage) message = reader.GetString();
                }
                else reader.Skip();
            }
            inbound = new Inbound(eventName, roomName, message);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static byte[] ChatMessage(string roomName, string messageText, string userMail, bool isEvent, long id) =>
        Encode(w =>
        {
            w.WriteStringValue("receiveMessage");
            w.WriteStartObject();
            w.WriteString("roomName", roomName);
            w.WriteString("messageText", messageText);
            w.WriteString("userMail", userMail);
            w.WriteBoolean("isEvent", isEvent);
            w.WriteNumber("id", id);
            w.WriteString("createdAt", DateTime.UtcNow);
            w.WriteEndObject();
        });

    public static byte[] Welcome(string userMail, string roomName) =>
        Encode(w =>
        {
            w.WriteStringValue("receiveMessage");
            w.WriteStringValue($"Welcome {userMail} to room no {roomName}");
        });

    public static byte[] OnlineUsers(string roomName, string[] users) =>
        Encode(w =>
        {
            w.WriteStringValue("onlineUsers");
            w.WriteStartObject();
            w.WriteString("roomName", roomName);
            w.WriteStartArray("users");
            foreach (var user in users) w.WriteStringValue(user);
            w.WriteEndArray();
            w.WriteEndObject();
        });

    private static byte[] Encode(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            body(writer);
            writer.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
