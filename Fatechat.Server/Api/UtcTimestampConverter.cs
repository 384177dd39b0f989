using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fatechat.Server.Api;

/// <summary>
/// Writes times as JavaScript's <c>Date.prototype.toJSON</c> does (<c>2026-11-28T01:29:51.006Z</c>): UTC, always
/// three fraction digits. System.Text.Json alone trims trailing zeros, which clients parsing fixed widths would trip on.
/// </summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTime>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTime.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture));

    public static string ToWire(DateTime value) => value.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture);
}
