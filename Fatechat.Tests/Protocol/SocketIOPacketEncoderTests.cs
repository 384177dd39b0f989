using Fatechat.Tests.Support;
using System.Text;
using System.Text.Json;
using Fatechat.Protocol.EngineIO;
using Fatechat.Protocol.SocketIO;

namespace Fatechat.Tests.Protocol;

/// <summary>
/// <see cref="SocketIOPacketEncoder"/> writes the shapes of the Socket.IO v5 document
/// (https://github.com/socketio/socket.io-protocol#packet-encoding) inside an Engine.IO message, and
/// <see cref="SocketIOPacketParser"/> reads each of them back unchanged.
/// </summary>
public sealed class SocketIOPacketEncoderTests
{
    [Test]
    public void EncodesEventOnMainNamespace()
    {
        var frame = SocketIOPacketEncoder.EncodeEvent("/", "message", [1, "2", new { three = new[] { true } }], -1, EncoderOptions.Json);

        Assert.That(Text(frame), Is.EqualTo("42[\"message\",1,\"2\",{\"three\":[true]}]"));
        var packet = ParseBack(frame);
        Assert.That(packet.Type, Is.EqualTo(SocketIOPacketType.Event));
        Assert.That(packet.Namespace, Is.EqualTo("/"));
        Assert.That(packet.AckId, Is.EqualTo(-1));
    }

    [Test]
    public void EncodesEventWithNamespaceAndAckId()
    {
        var frame = SocketIOPacketEncoder.EncodeEvent("/admin", "project:delete", [123], 456, EncoderOptions.Json);

        Assert.That(Text(frame), Is.EqualTo("42/admin,456[\"project:delete\",123]"));
        var packet = ParseBack(frame);
        Assert.That((packet.Namespace, packet.AckId), Is.EqualTo(("/admin", 456L)));
    }

    [TestCase("/", 0, "430[]")]
    [TestCase("/", 456, "43456[]")]
    [TestCase("/admin", 9_999_999_999L, "43/admin,9999999999[]")]
    public void EncodesEmptyAck(string nsp, long ackId, string expected)
    {
        var frame = SocketIOPacketEncoder.EncodeAck(nsp, ackId, [], EncoderOptions.Json);

        Assert.That(Text(frame), Is.EqualTo(expected));
        var packet = ParseBack(frame);
        Assert.That((packet.Type, packet.Namespace, packet.AckId), Is.EqualTo((SocketIOPacketType.Ack, nsp, ackId)));
    }

    [TestCase("/", "40{\"sid\":\"abc\"}")]
    [TestCase("/custom", "40/custom,{\"sid\":\"abc\"}")]
    public void EncodesConnect(string nsp, string expected)
    {
        var frame = SocketIOPacketEncoder.EncodeConnect(nsp, "abc");

        Assert.That(Text(frame), Is.EqualTo(expected));
        Assert.That(ParseBack(frame).Type, Is.EqualTo(SocketIOPacketType.Connect));
    }

    [Test]
    public void EncodesConnectErrorWithMessageAndData()
    {
        var bare = SocketIOPacketEncoder.EncodeConnectError("/random", "Invalid namespace", null, EncoderOptions.Json);
        var detailed = SocketIOPacketEncoder.EncodeConnectError("/", "Not authorized", new { retry = false }, EncoderOptions.Json);

        Assert.That(Text(bare), Is.EqualTo("44/random,{\"message\":\"Invalid namespace\"}"));
        Assert.That(Text(detailed), Is.EqualTo("44{\"message\":\"Not authorized\",\"data\":{\"retry\":false}}"));
        Assert.That(ParseBack(detailed).Type, Is.EqualTo(SocketIOPacketType.ConnectError));
    }

    [TestCase("/", "41")]
    [TestCase("/custom", "41/custom,")]
    public void EncodesDisconnect(string nsp, string expected)
    {
        var frame = SocketIOPacketEncoder.EncodeDisconnect(nsp);

        Assert.That(Text(frame), Is.EqualTo(expected));
        var packet = ParseBack(frame);
        Assert.That((packet.Type, packet.Namespace), Is.EqualTo((SocketIOPacketType.Disconnect, nsp)));
    }

    [Test]
    public void EncodesByteArraysAsPlaceholdersWithAttachments()
    {
        byte[] first = [1, 2, 3];
        byte[] second = [4];

        var frame = SocketIOPacketEncoder.EncodeEvent("/", "file", [first, "name", new { blob = second }], -1, EncoderOptions.Json);

        Assert.That(Text(frame), Is.EqualTo(
            "452-[\"file\",{\"_placeholder\":true,\"num\":0},\"name\",{\"blob\":{\"_placeholder\":true,\"num\":1}}]"));
        Assert.That(frame.Attachments!.Select(a => a.ToArray()), Is.EqualTo(new[] { first, second }));
        var packet = ParseBack(frame);
        Assert.That((packet.Type, packet.AttachmentCount), Is.EqualTo((SocketIOPacketType.BinaryEvent, 2)));
        Assert.That(BinaryAttachments.AreValid(packet.Data!.Value, packet.AttachmentCount), Is.True);
    }

    [Test]
    public void EncodesAckWithBytesAsBinaryAck()
    {
        var frame = SocketIOPacketEncoder.EncodeAck("/admin", 7, [new byte[] { 9 }], EncoderOptions.Json);

        Assert.That(Text(frame), Is.EqualTo("461-/admin,7[{\"_placeholder\":true,\"num\":0}]"));
        var packet = ParseBack(frame);
        Assert.That((packet.Type, packet.AckId, packet.AttachmentCount), Is.EqualTo((SocketIOPacketType.BinaryAck, 7L, 1)));
    }

    [Test]
    public void ForwardedArgumentsKeepTheirAttachmentsRenumbered()
    {
        byte[] a = [1];
        byte[] b = [2];
        var args = ReceivedArgs.Of("[\"message\",{\"_placeholder\":true,\"num\":1},\"x\",{\"_placeholder\":true,\"num\":0}]", offset: 1, [a, b], EncoderOptions.Json);

        var frame = SocketIOPacketEncoder.EncodeEvent("/", "message-back", [args], -1, EncoderOptions.Json);

        Assert.That(Text(frame), Is.EqualTo(
            "452-[\"message-back\",{\"_placeholder\":true,\"num\":0},\"x\",{\"_placeholder\":true,\"num\":1}]"));
        Assert.That(frame.Attachments!.Select(m => m.ToArray()), Is.EqualTo(new[] { b, a }));
    }

    [Test]
    public void WritesUnicodeAsIsAndRoundTripsAwkwardStrings()
    {
        const string awkward = "é \u2603 <b>&amp;</b> 'quote' \"dq\" \\ \n \u0001 \ud83d\ude00";

        var frame = SocketIOPacketEncoder.EncodeEvent("/", "m", [awkward], -1, EncoderOptions.Json);

        Assert.That(Text(frame), Does.Contain("é \u2603 <b>&amp;</b>"), "UTF-8 and HTML characters are not escaped, as with JSON.stringify");
        Assert.That(ParseBack(frame).Data!.Value[1].GetString(), Is.EqualTo(awkward));
    }

    [Test]
    public void EachEncodeReturnsItsOwnBytes()
    {
        var first = SocketIOPacketEncoder.EncodeEvent("/", "a", [new byte[] { 1 }], -1, EncoderOptions.Json);
        string firstText = Text(first);
        byte[] firstAttachment = first.Attachments![0].ToArray();

        SocketIOPacketEncoder.EncodeEvent("/", "bbbbbbbbbbbbbbbbbbbb", [new byte[] { 2, 2 }, new byte[] { 3 }], 5, EncoderOptions.Json);

        Assert.That(Text(first), Is.EqualTo(firstText));
        Assert.That(first.Attachments!, Has.Length.EqualTo(1));
        Assert.That(first.Attachments![0].ToArray(), Is.EqualTo(firstAttachment));
    }

    private static string Text(OutboundFrame frame)
    {
        Assert.That(frame.IsBinary, Is.False);
        return Encoding.UTF8.GetString(frame.Payload.Span);
    }

    /// <summary>Strips the Engine.IO message type and parses the Socket.IO packet the client would receive.</summary>
    private static SocketIOPacket ParseBack(OutboundFrame frame)
    {
        Assert.That(frame.Payload.Span[0], Is.EqualTo((byte)EnginePacketType.Message));
        bool parsed = SocketIOPacketParser.TryParse(frame.Payload.Span[1..], 64, out SocketIOPacket packet, out string error);
        Assert.That(parsed, Is.True, error);
        return packet;
    }
}
