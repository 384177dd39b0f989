using System.Text;
using System.Text.Json;
using CsCheck;
using Fatechat.Protocol.EngineIO;
using Fatechat.Protocol.SocketIO;

namespace Fatechat.Tests.Fuzz;

/// <summary>Valid values for the encoders, whose output the decoders must give back unchanged.</summary>
internal static class RoundTripInputs
{
    /// <summary>A namespace as a server names one: a slash, then no comma.</summary>
    private static readonly Gen<string> Namespace = Gen.Frequency(
        (2, Gen.Const(SocketIOPacket.MainNamespace)),
        (1, FuzzInputs.Text.Select(t => "/" + t.Replace(",", "").Replace("\u0000", ""))));

    private static readonly Gen<string> EventName = FuzzInputs.Text.Where(n => !SocketIOPacketParser.ReservedEvents.Contains(n));

    private static readonly Gen<object?> Argument = Gen.Frequency(
        // Values a server holds: no escaped lone surrogate, which the parser refuses and no .NET string can hold.
        (4, FuzzInputs.Json(2).Where(j => IsJson(j) && !j.Contains("\\ud800") && !j.Contains("\\udc00")).Select(j => (object?)JsonDocument.Parse(j).RootElement.Clone())),
        (1, Gen.Byte.Array[0, 20].Select(b => (object?)b)));

    /// <summary>An event to encode: namespace, ack id (-1 for none), name and arguments, binary ones as byte arrays.</summary>
    public static readonly Gen<(string Nsp, long AckId, string Name, object?[] Args)> SocketIOEvent = Gen.Select(
        Namespace,
        Gen.Frequency((2, Gen.Const(-1L)), (2, Gen.Long[0, 999_999_999_999_999])),
        EventName,
        Argument.Array[0, 4].Where(a => a.Count(x => x is byte[]) <= DecoderChecks.MaxAttachments),
        (nsp, ack, name, args) => (nsp, ack, name, args));

    /// <summary>Engine.IO packets as the writers take them: text with its type digit (and no record separator), or binary bytes.</summary>
    public static readonly Gen<(bool IsBinary, byte[] Data)[]> EnginePackets = Gen.Frequency(
        (3, FuzzInputs.EnginePacket
            .Select(p => p.Replace('\u001e', ' '))
            .Where(p => EnginePacketParser.TryParseText(Encoding.UTF8.GetBytes(p), out _))
            .Select(p => (IsBinary: false, Data: Encoding.UTF8.GetBytes(p)))),
        (1, Gen.Byte.Array[0, 30].Select(b => (IsBinary: true, Data: b))))
        .Array[1, 5];

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
