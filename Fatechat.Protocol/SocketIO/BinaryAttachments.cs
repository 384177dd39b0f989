using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// Binary payloads travel as <c>{"_placeholder":true,"num":n}</c> in the JSON, followed by one binary frame per
/// attachment (https://github.com/socketio/socket.io-protocol#packet-encoding). Node's parser once crashed on a
/// placeholder whose <c>num</c> was not a valid index; here every placeholder is checked before use.
/// </summary>
internal static class BinaryAttachments
{
    [ThreadStatic] private static List<ReadOnlyMemory<byte>>? t_collecting;
    [ThreadStatic] private static IReadOnlyList<byte[]>? t_resolving;

    /// <summary>True when every placeholder in <paramref name="data"/> names an attachment in [0, count).</summary>
    public static bool AreValid(JsonElement data, int count)
    {
        switch (data.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (JsonElement item in data.EnumerateArray())
                {
                    if (!AreValid(item, count))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Object:
                if (IsPlaceholder(data))
                {
                    return TryGetIndex(data, count, out _);
                }

                foreach (JsonProperty property in data.EnumerateObject())
                {
                    if (!AreValid(property.Value, count))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    public static bool IsPlaceholder(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("_placeholder", out JsonElement flag)
        && flag.ValueKind == JsonValueKind.True;

    public static bool TryGetIndex(JsonElement placeholder, int count, out int index)
    {
        index = -1;
        return placeholder.TryGetProperty("num", out JsonElement num)
            && num.ValueKind == JsonValueKind.Number
            && num.TryGetInt32(out index)
            && index >= 0 && index < count;
    }

    /// <summary>Serializes with byte arrays turned into placeholders; the bytes go to <paramref name="attachments"/>.</summary>
    public static void BeginCollecting(List<ReadOnlyMemory<byte>> attachments) => t_collecting = attachments;

    public static void EndCollecting() => t_collecting = null;

    /// <summary>Deserializes with placeholders resolved against <paramref name="attachments"/>.</summary>
    public static void BeginResolving(IReadOnlyList<byte[]> attachments) => t_resolving = attachments;

    public static void EndResolving() => t_resolving = null;

    /// <summary>Writes byte arrays as placeholders while collecting, and reads placeholders back.</summary>
    internal sealed class PlaceholderConverter : JsonConverter<byte[]>
    {
        public override byte[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                return reader.GetBytesFromBase64();
            }

            using var document = JsonDocument.ParseValue(ref reader);
            var attachments = t_resolving;
            if (attachments is not null && IsPlaceholder(document.RootElement)
                && TryGetIndex(document.RootElement, attachments.Count, out int index))
            {
                return attachments[index];
            }

            throw new JsonException("Expected a binary attachment placeholder or a base64 string.");
        }

        public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options)
        {
            var attachments = t_collecting;
            if (attachments is null)
            {
                writer.WriteBase64StringValue(value);
                return;
            }

            writer.WriteStartObject();
            writer.WriteBoolean("_placeholder", true);
            writer.WriteNumber("num", attachments.Count);
            writer.WriteEndObject();
            attachments.Add(value);
        }
    }
}
