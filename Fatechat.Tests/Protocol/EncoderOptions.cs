using System.Text.Json;
using Fatechat.Protocol.SocketIO;

namespace Fatechat.Tests.Protocol;

/// <summary>The serializer options a <see cref="SocketIOServer"/> builds: web defaults plus binary placeholders.</summary>
internal static class EncoderOptions
{
    public static readonly JsonSerializerOptions Json = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new BinaryAttachments.PlaceholderConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
