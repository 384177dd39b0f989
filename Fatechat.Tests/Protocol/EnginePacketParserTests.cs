using System.Text;
using Fatechat.Protocol.EngineIO;

namespace Fatechat.Tests.Protocol;

/// <summary>
/// <see cref="EnginePacketParser"/> against the packet and payload shapes of the Engine.IO v4 document
/// (https://github.com/socketio/engine.io-protocol#packet, #http-long-polling-1), and malformed input.
/// </summary>
public sealed class EnginePacketParserTests
{
    [TestCase("0{\"sid\":\"x\"}", EnginePacketType.Open, "{\"sid\":\"x\"}")]
    [TestCase("1", EnginePacketType.Close, "")]
    [TestCase("2", EnginePacketType.Ping, "")]
    [TestCase("2probe", EnginePacketType.Ping, "probe")]
    [TestCase("3", EnginePacketType.Pong, "")]
    [TestCase("3probe", EnginePacketType.Pong, "probe")]
    [TestCase("4hello", EnginePacketType.Message, "hello")]
    [TestCase("4", EnginePacketType.Message, "")]
    [TestCase("42[\"é\",\"\u2603\"]", EnginePacketType.Message, "2[\"é\",\"\u2603\"]")]
    [TestCase("5", EnginePacketType.Upgrade, "")]
    [TestCase("6", EnginePacketType.Noop, "")]
    public void ParsesEveryTextPacketType(string wire, EnginePacketType type, string data)
    {
        Assert.That(EnginePacketParser.TryParseText(Bytes(wire), out EnginePacket packet), Is.True);

        Assert.That(packet.Type, Is.EqualTo(type));
        Assert.That(Encoding.UTF8.GetString(packet.Data.Span), Is.EqualTo(data));
        Assert.That(packet.IsBinary, Is.False);
    }

    [TestCase("")]
    [TestCase("7")]
    [TestCase("9x")]
    [TestCase("abc")]
    [TestCase("/4hello")]
    [TestCase("\u001e", TestName = "RejectsRecordSeparatorAsTextPacket")]
    public void RejectsTextPacketWithoutKnownType(string wire)
    {
        Assert.That(EnginePacketParser.TryParseText(Bytes(wire), out _), Is.False);
    }

    [Test]
    public void SplitsPayloadOnRecordSeparator()
    {
        var packets = new List<EnginePacket>();

        Assert.That(EnginePacketParser.TryParsePayload(Bytes("4test1\u001e4test2\u001e4test3"), packets), Is.True);

        Assert.That(packets.Select(p => p.Type), Is.All.EqualTo(EnginePacketType.Message));
        Assert.That(packets.Select(p => Encoding.UTF8.GetString(p.Data.Span)), Is.EqualTo(new[] { "test1", "test2", "test3" }));
    }

    [Test]
    public void ParsesPayloadOfOnePacket()
    {
        var packets = new List<EnginePacket>();

        Assert.That(EnginePacketParser.TryParsePayload(Bytes("3"), packets), Is.True);

        Assert.That(packets, Has.Count.EqualTo(1));
        Assert.That(packets[0].Type, Is.EqualTo(EnginePacketType.Pong));
    }

    [Test]
    public void DecodesBase64BinaryPacketInPayload()
    {
        var packets = new List<EnginePacket>();

        Assert.That(EnginePacketParser.TryParsePayload(Bytes("4hello\u001ebAQIDBA==\u001e2"), packets), Is.True);

        Assert.That(packets, Has.Count.EqualTo(3));
        Assert.That(packets[0].IsBinary, Is.False);
        Assert.That(packets[1].Type, Is.EqualTo(EnginePacketType.Message));
        Assert.That(packets[1].IsBinary, Is.True);
        Assert.That(packets[1].Data.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3, 4 }));
        Assert.That(packets[2].Type, Is.EqualTo(EnginePacketType.Ping));
    }

    [Test]
    public void DecodesBase64PacketOfEveryByteValue()
    {
        byte[] all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var packets = new List<EnginePacket>();

        Assert.That(EnginePacketParser.TryParsePayload(Bytes("b" + Convert.ToBase64String(all)), packets), Is.True);

        Assert.That(packets.Single().Data.ToArray(), Is.EqualTo(all));
    }

    [TestCase("", TestName = "RejectsEmptyBody")]
    [TestCase("\u001e4hello", TestName = "RejectsLeadingRecordSeparator")]
    [TestCase("4hello\u001e", TestName = "RejectsTrailingRecordSeparator")]
    [TestCase("4a\u001e\u001e4b", TestName = "RejectsDoubledRecordSeparator")]
    [TestCase("\u001e", TestName = "RejectsLoneRecordSeparator")]
    [TestCase("4hello\u001eabc", TestName = "RejectsUnknownTypeAfterValidPacket")]
    [TestCase("8", TestName = "RejectsUnknownType")]
    [TestCase("b!!!!", TestName = "RejectsInvalidBase64Characters")]
    [TestCase("bAQIDBA=", TestName = "RejectsBase64WithTruncatedPadding")]
    [TestCase("bAQ==IDBA", TestName = "RejectsBase64WithPaddingInTheMiddle")]
    [TestCase("4hello\u001eb%%%", TestName = "RejectsInvalidBase64AfterValidPacket")]
    public void RejectsMalformedPayload(string body)
    {
        Assert.That(EnginePacketParser.TryParsePayload(Bytes(body), new List<EnginePacket>()), Is.False);
    }

    [Test]
    public void RejectsPayloadOfOnlyGarbageBytesWithoutThrowing()
    {
        var random = new Random(1234);
        for (int i = 0; i < 2000; i++)
        {
            byte[] body = new byte[random.Next(0, 40)];
            random.NextBytes(body);
            Assert.DoesNotThrow(() => EnginePacketParser.TryParsePayload(body, new List<EnginePacket>()));
        }
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
