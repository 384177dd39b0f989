using System.Text.Json;
using Fatechat.Server.Options;
using Fatechat.Server.Private;

namespace Fatechat.Server.Messaging;

/// <summary>
/// Where each bus event goes on Kafka and how it is written: JSON values (readable with any Kafka tool) and keys
/// chosen so that everything whose order matters shares a partition.
/// <list type="bullet">
/// <item>room messages and join/leave event messages (which also carry the presence change): messages topic, keyed by room;</item>
/// <item>private messages: messages topic, keyed by conversation (both directions share one key);</item>
/// <item>typing indicators: events topic, keyed by room. They are not stored, so the persistence group never reads them.</item>
/// </list>
/// </summary>
public sealed class KafkaRecordCodec(KafkaOptions options)
{
    // Absent rather than null: a message without a client message id is written as before that field existed.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public string MessagesTopic { get; } = options.MessagesTopic;

    public string EventsTopic { get; } = options.EventsTopic;

    public (string Topic, string Key) Route(ChatBusEvent chatEvent) => chatEvent switch
    {
        RoomMessagePosted { Message: var m } => (MessagesTopic, m.RoomName),
        PrivateMessagePosted { Message: var m } => (MessagesTopic, PrivateMessage.ConversationKey(m.FromMail, m.ToMail)),
        RoomTypingChanged { RoomName: var room } => (EventsTopic, room),
        _ => throw new ArgumentException($"No Kafka topic for bus event {chatEvent.GetType().Name}.", nameof(chatEvent)),
    };

    public static byte[] Encode(ChatBusEvent chatEvent) => JsonSerializer.SerializeToUtf8Bytes(chatEvent, Json);

    /// <summary>Null for a record that is not a Fatechat event (empty, foreign or corrupt): the consumer skips it.</summary>
    public static ChatBusEvent? TryDecode(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ChatBusEvent>(value, Json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return null;
        }
    }
}
