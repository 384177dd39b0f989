using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// Protocol v4 CONNECT packets carry no payload: socket.io-client 2.x appends its <c>query</c> option to the
/// namespace (<c>40/chat?token=abc,</c>). As in Node's <c>_parseNamespace</c>, the path names the namespace and the
/// query becomes the auth payload, an object of strings (the last of repeated keys).
/// </summary>
internal static class NamespaceQuery
{
    public static (string Name, JsonElement? Auth) Split(string nsp)
    {
        int question = nsp.IndexOf('?');
        if (question < 0)
        {
            return (nsp, null);
        }

        var query = QueryHelpers.ParseQuery(nsp[question..]);
        var json = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            foreach (var (key, values) in query)
            {
                writer.WriteString(key, values[^1]);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(json.WrittenMemory);
        return (nsp[..question], document.RootElement.Clone());
    }
}
