using System.Text;
using System.Text.Json;
using Fatechat.Protocol.SocketIO;

namespace Fatechat.Tests.Support;

/// <summary>Arguments as a handler receives them: a JSON array decoded by the real parser (as an ACK packet).</summary>
internal static class ReceivedArgs
{
    public static SocketIOArgs Of(string jsonArray, int offset, IReadOnlyList<byte[]> attachments, JsonSerializerOptions options)
    {
        if (!SocketIOPacketParser.TryParse(Encoding.UTF8.GetBytes("30" + jsonArray), maxAttachments: 0, out var packet, out string error))
        {
            throw new ArgumentException($"not a JSON array the parser takes: {error}", nameof(jsonArray));
        }

        packet.Attachments.AddRange(attachments);
        return packet.Arguments(offset, options);
    }
}
