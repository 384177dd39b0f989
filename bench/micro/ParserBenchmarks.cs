using System.Text;
using BenchmarkDotNet.Attributes;
using Fatechat.Protocol.EngineIO;
using Fatechat.Protocol.SocketIO;

namespace Fatechat.Bench.Micro;

/// <summary>The inbound path: Engine.IO framing, then the Socket.IO packet inside a message.</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    // One WebSocket frame as socket.io-client sends a chat message.
    private static readonly byte[] EventFrame =
        Encoding.UTF8.GetBytes("""42["sendMessage",{"roomName":"room-1","message":"hello world"}]""");

    // The Socket.IO packet inside that frame: the Engine.IO layer has consumed the leading message type 4.
    private static readonly byte[] EventPacket = EventFrame[1..];

    // The header of a binary event with one attachment (the attachment follows as its own frame).
    private static readonly byte[] BinaryEventHeader =
        Encoding.UTF8.GetBytes("""51-["upload",{"name":"a.png","file":{"_placeholder":true,"num":0}}]""");

    // A polling POST body: event header, base64 attachment, ping answer, separated by \x1e.
    private static readonly byte[] PollingBody = Encoding.UTF8.GetBytes(
        "451-[\"upload\",{\"_placeholder\":true,\"num\":0}]\u001e" +
        "b" + Convert.ToBase64String(Enumerable.Range(0, 64).Select(i => (byte)i).ToArray()) + "\u001e" +
        "3");

    private readonly List<EnginePacket> _packets = new(4);

    [Benchmark]
    public bool EngineTryParseText() => EnginePacketParser.TryParseText(EventFrame, out _);

    [Benchmark]
    public int EngineTryParsePayload()
    {
        _packets.Clear();
        EnginePacketParser.TryParsePayload(PollingBody, _packets);
        return _packets.Count;
    }

    [Benchmark]
    public SocketIOPacket SocketIOTryParseEvent()
    {
        SocketIOPacketParser.TryParse(EventPacket, 64, out SocketIOPacket packet, out _);
        return packet;
    }

    [Benchmark]
    public SocketIOPacket SocketIOTryParseBinaryEventHeader()
    {
        SocketIOPacketParser.TryParse(BinaryEventHeader, 64, out SocketIOPacket packet, out _);
        return packet;
    }
}
