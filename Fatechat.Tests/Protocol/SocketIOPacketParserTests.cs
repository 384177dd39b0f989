using System.Text;
using System.Text.Json;
using Fatechat.Protocol.SocketIO;

namespace Fatechat.Tests.Protocol;

/// <summary>
/// <see cref="SocketIOPacketParser"/> against the examples of the Socket.IO v5 document
/// (https://github.com/socketio/socket.io-protocol#packet-encoding) and the payload checks of Node's
/// socket.io-parser (<c>isPayloadValid</c>), plus malformed input of every kind.
/// </summary>
public sealed class SocketIOPacketParserTests
{
    private const int MaxAttachments = 64;

    [TestCase("0", SocketIOPacketType.Connect, "/", -1, null)]
    [TestCase("0{\"token\":\"123\"}", SocketIOPacketType.Connect, "/", -1, "{\"token\":\"123\"}")]
    [TestCase("0/admin,", SocketIOPacketType.Connect, "/admin", -1, null)]
    [TestCase("0/admin", SocketIOPacketType.Connect, "/admin", -1, null)]
    [TestCase("0/admin,{\"token\":\"abc\"}", SocketIOPacketType.Connect, "/admin", -1, "{\"token\":\"abc\"}")]
    [TestCase("1", SocketIOPacketType.Disconnect, "/", -1, null)]
    [TestCase("1/admin,", SocketIOPacketType.Disconnect, "/admin", -1, null)]
    [TestCase("2[\"hello\",1]", SocketIOPacketType.Event, "/", -1, "[\"hello\",1]")]
    [TestCase("2/admin,456[\"project:delete\",123]", SocketIOPacketType.Event, "/admin", 456, "[\"project:delete\",123]")]
    [TestCase("212[\"hello\"]", SocketIOPacketType.Event, "/", 12, "[\"hello\"]")]
    [TestCase("2[42,\"numeric event name\"]", SocketIOPacketType.Event, "/", -1, "[42,\"numeric event name\"]")]
    [TestCase("2/a/b,[\"x\"]", SocketIOPacketType.Event, "/a/b", -1, "[\"x\"]")]
    [TestCase("3/admin,456[]", SocketIOPacketType.Ack, "/admin", 456, "[]")]
    [TestCase("30[1,\"2\"]", SocketIOPacketType.Ack, "/", 0, "[1,\"2\"]")]
    [TestCase("4{\"message\":\"Not authorized\"}", SocketIOPacketType.ConnectError, "/", -1, "{\"message\":\"Not authorized\"}")]
    [TestCase("4/admin,\"refused\"", SocketIOPacketType.ConnectError, "/admin", -1, "\"refused\"")]
    [TestCase("2999999999999999[\"max ack id\"]", SocketIOPacketType.Event, "/", 999_999_999_999_999L, "[\"max ack id\"]")]
    public void ParsesEveryPacketType(string wire, SocketIOPacketType type, string nsp, long ackId, string? json)
    {
        var packet = Parse(wire);

        Assert.Multiple(() =>
        {
            Assert.That(packet.Type, Is.EqualTo(type));
            Assert.That(packet.Namespace, Is.EqualTo(nsp));
            Assert.That(packet.AckId, Is.EqualTo(ackId));
            Assert.That(packet.Data?.GetRawText(), Is.EqualTo(json));
            Assert.That(packet.AttachmentCount, Is.Zero);
            Assert.That(packet.IsBinary, Is.False);
        });
    }

    [TestCase("51-[\"hello\",{\"_placeholder\":true,\"num\":0}]", SocketIOPacketType.BinaryEvent, "/", -1, 1)]
    [TestCase("52-/admin,456[\"e\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", SocketIOPacketType.BinaryEvent, "/admin", 456, 2)]
    [TestCase("61-/admin,456[{\"_placeholder\":true,\"num\":0}]", SocketIOPacketType.BinaryAck, "/admin", 456, 1)]
    [TestCase("62-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", SocketIOPacketType.BinaryAck, "/", 789, 2)]
    [TestCase("564-[\"many\"]", SocketIOPacketType.BinaryEvent, "/", -1, MaxAttachments)]
    public void ParsesBinaryPacketsWithTheirAttachmentCount(string wire, SocketIOPacketType type, string nsp, long ackId, int attachments)
    {
        var packet = Parse(wire);

        Assert.Multiple(() =>
        {
            Assert.That(packet.Type, Is.EqualTo(type));
            Assert.That(packet.Namespace, Is.EqualTo(nsp));
            Assert.That(packet.AckId, Is.EqualTo(ackId));
            Assert.That(packet.AttachmentCount, Is.EqualTo(attachments));
            Assert.That(packet.IsBinary, Is.True);
            Assert.That(packet.HasAllAttachments, Is.False);
        });
    }

    [Test]
    public void KeepsUnicodeNamespaceAndPayload()
    {
        var packet = Parse("2/ünï,[\"é\",\"\u2603\"]");

        Assert.That(packet.Namespace, Is.EqualTo("/ünï"));
        Assert.That(packet.Data!.Value[1].GetString(), Is.EqualTo("\u2603"));
    }

    /// <summary>
    /// As Node's socket.io-parser (<c>decodeString</c>): a namespace ends at the first comma, wherever it is. A
    /// namespace written without its comma takes the payload up to the payload's own first comma, and what is left is
    /// not JSON (<c>"x"]</c>): the frame is a parse error that closes its connection.
    /// </summary>
    [Test]
    public void NamespaceRunsToTheFirstCommaEvenInsideThePayload()
    {
        AssertRejected("2/ordered[\"after\",\"x\"]", "invalid JSON payload");
        AssertRejected("2/ordered[\"after\"]", "EVENT payload must be a non-empty array");
        Assert.That(Parse("2/ordered,[\"after\",\"x\"]").Namespace, Is.EqualTo("/ordered"));
    }

    [TestCase("", TestName = "RejectsEmptyPacket")]
    [TestCase("7", TestName = "RejectsUnknownTypeSeven")]
    [TestCase("9[\"x\"]", TestName = "RejectsUnknownTypeNine")]
    [TestCase("abc", TestName = "RejectsNonDigitType")]
    [TestCase("-1", TestName = "RejectsNegativeType")]
    public void RejectsUnknownPacketType(string wire) => AssertRejected(wire, "unknown packet type");

    [TestCase("2[\"message\",", TestName = "RejectsTruncatedJson")]
    [TestCase("2[\"message\"]]", TestName = "RejectsTrailingJson")]
    [TestCase("2abc[\"message\"]", TestName = "RejectsLettersBeforePayload")]
    [TestCase("2{'a':1}", TestName = "RejectsSingleQuotedJson")]
    [TestCase("0/admin,{\"token\":", TestName = "RejectsTruncatedConnectPayload")]
    public void RejectsBadJson(string wire) => AssertRejected(wire, "invalid JSON payload");

    [TestCase("2{}")]
    [TestCase("2\"message\"")]
    [TestCase("2[]")]
    [TestCase("2/admin,[]")]
    [TestCase("21")]
    public void RejectsEventWhosePayloadIsNotANonEmptyArray(string wire) => AssertRejected(wire, "EVENT payload must be a non-empty array");

    [TestCase("2[{\"toString\":\"x\"}]")]
    [TestCase("2[null]")]
    [TestCase("2[true,1]")]
    [TestCase("2[[\"nested\"]]")]
    public void RejectsEventNameThatIsNotAStringOrNumber(string wire) => AssertRejected(wire, "event name must be a string");

    [Test]
    public void RejectsEveryReservedEventName([ValueSource(nameof(ReservedEventNames))] string name)
    {
        AssertRejected($"2[\"{name}\",1]", "reserved event name");
        AssertRejected($"2/admin,7[\"{name}\"]", "reserved event name");
        AssertRejected($"51-[\"{name}\",{{\"_placeholder\":true,\"num\":0}}]", "reserved event name");
    }

    [Test]
    public void ReservesTheNamesNodeReservesAndError()
    {
        Assert.That(SocketIOPacketParser.ReservedEvents, Is.EquivalentTo(new[]
        {
            "connect", "connect_error", "disconnect", "disconnecting", "error", "newListener", "removeListener",
        }));
    }

    [TestCase("2[\"Connect\"]")]
    [TestCase("2[\"connect \"]")]
    [TestCase("2[\"errors\"]")]
    public void AcceptsNamesThatOnlyResembleReservedOnes(string wire)
    {
        Assert.That(SocketIOPacketParser.TryParse(Bytes(wire), MaxAttachments, out _, out _), Is.True);
    }

    /// <summary>
    /// JSON allows an escaped lone surrogate; no .NET string can hold one, so binding, re-encoding forwarded arguments
    /// (found by the fuzzer: JsonElement.WriteTo threw) or logging it would throw. Refused anywhere in the payload.
    /// </summary>
    [TestCase("2[\"\\ud800\"]", TestName = "RejectsLoneSurrogateInEventName")]
    [TestCase("2[\"message\",\"\\ud800\"]", TestName = "RejectsLoneSurrogateInArgument")]
    [TestCase("2[\"message\",{\"a\":[\"\\udc00x\"]}]", TestName = "RejectsLoneSurrogateDeepInArgument")]
    [TestCase("2[\"message\",{\"\\ud800\":1}]", TestName = "RejectsLoneSurrogateInPropertyName")]
    [TestCase("51-[\"message\",{\"_placeholder\":true,\"num\":0},\"\\ud800\"]", TestName = "RejectsLoneSurrogateBesideAPlaceholder")]
    [TestCase("0{\"token\":\"\\ud800\"}", TestName = "RejectsLoneSurrogateInConnectPayload")]
    public void RejectsEscapedLoneSurrogates(string wire) => AssertRejected(wire, "invalid string in payload");

    [TestCase("2[\"message\",\"\\ud83d\\ude00\"]")]
    [TestCase("2[\"message\",{\"\\u00e9\\n\":\"\\\"\"}]")]
    public void AcceptsEscapesThatMakeValidStrings(string wire)
    {
        Assert.That(SocketIOPacketParser.TryParse(Bytes(wire), MaxAttachments, out _, out string error), Is.True, error);
    }

    [TestCase("3[1]", TestName = "RejectsAckWithoutId")]
    [TestCase("3/admin,[]", TestName = "RejectsAckWithoutIdInNamespace")]
    [TestCase("61-[{\"_placeholder\":true,\"num\":0}]", TestName = "RejectsBinaryAckWithoutId")]
    [TestCase("21234567890123456[\"x\"]", TestName = "RejectsAckIdOfSixteenDigits")]
    [TestCase("299999999999999999999999999[\"x\"]", TestName = "RejectsAckIdBeyondLong")]
    public void RejectsBadAckId(string wire) => AssertRejected(wire, "bad ack id");

    [TestCase("3456{}")]
    [TestCase("3456\"x\"")]
    public void RejectsAckWhosePayloadIsNotAnArray(string wire) => AssertRejected(wire, "ACK payload must be an array");

    [TestCase("1{}", TestName = "RejectsDisconnectWithPayload")]
    [TestCase("0[\"x\"]", TestName = "RejectsConnectWithArrayPayload")]
    [TestCase("0\"token\"", TestName = "RejectsConnectWithStringPayload")]
    [TestCase("4", TestName = "RejectsConnectErrorWithoutPayload")]
    [TestCase("4[1]", TestName = "RejectsConnectErrorWithArrayPayload")]
    public void RejectsPayloadOfWrongShape(string wire)
    {
        Assert.That(SocketIOPacketParser.TryParse(Bytes(wire), MaxAttachments, out _, out string error), Is.False);
        Assert.That(error, Is.Not.Empty);
    }

    [TestCase("5[\"x\"]", TestName = "RejectsAttachmentCountWithoutDash")]
    [TestCase("52[\"x\"]", TestName = "RejectsAttachmentCountMissingDash")]
    [TestCase("5-[\"x\"]", TestName = "RejectsEmptyAttachmentCount")]
    [TestCase("5a-[\"x\"]", TestName = "RejectsNonNumericAttachmentCount")]
    [TestCase("51a-[\"x\"]", TestName = "RejectsAttachmentCountWithLetter")]
    [TestCase("5+1-[\"x\"]", TestName = "RejectsSignedAttachmentCount")]
    [TestCase("565-[\"x\"]", TestName = "RejectsOneAttachmentTooMany")]
    [TestCase("599999-[\"x\"]", TestName = "RejectsHugeAttachmentCount")]
    [TestCase("599999999999999999999-[\"x\"]", TestName = "RejectsAttachmentCountBeyondLong")]
    [TestCase("6a-1[]", TestName = "RejectsNonNumericBinaryAckAttachmentCount")]
    public void RejectsIllegalAttachmentCount(string wire) => AssertRejected(wire, "illegal attachments");

    [Test]
    public void NeverThrowsOnRandomInput()
    {
        var random = new Random(4321);
        const string alphabet = "0123456789-/,[]{}\":abc_ ";
        for (int i = 0; i < 5000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 30)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            Assert.DoesNotThrow(() => SocketIOPacketParser.TryParse(Bytes(text), MaxAttachments, out _, out _), text);
        }
    }

    private static IEnumerable<string> ReservedEventNames() => SocketIOPacketParser.ReservedEvents;

    private static SocketIOPacket Parse(string wire)
    {
        bool parsed = SocketIOPacketParser.TryParse(Bytes(wire), MaxAttachments, out SocketIOPacket packet, out string error);
        Assert.That(parsed, Is.True, $"{wire}: {error}");
        return packet;
    }

    private static void AssertRejected(string wire, string expectedError)
    {
        bool parsed = SocketIOPacketParser.TryParse(Bytes(wire), MaxAttachments, out _, out string error);
        Assert.That(parsed, Is.False, wire);
        Assert.That(error, Is.EqualTo(expectedError), wire);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
