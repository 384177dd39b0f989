using Fatechat.Tests.Support;

namespace Fatechat.Tests.Conformance;

/// <summary>
/// The "message" cases of the Socket.IO v5 conformance suite: EVENT and BINARY_EVENT echoed by the host, ACK and
/// BINARY_ACK for an emit with an ack id, and the connection closed upon a malformed packet.
/// https://github.com/socketio/socket.io-protocol#sending-and-receiving-data
/// </summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class SocketIOMessageConformanceTests(EntryPath entryPath) : ConformanceHostFixture(entryPath)
{
    private const string TwoPlaceholders = "{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}";

    [Test]
    public async Task PlainTextEventIsEchoed()
    {
        var (client, _) = await ConnectSocketIOAsync();
        await using var _ = client;

        await client.SendAsync("42[\"message\",1,\"2\",{\"3\":[true]}]");

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("42[\"message-back\",1,\"2\",{\"3\":[true]}]"));
    }

    [Test]
    public async Task EventWithBinaryAttachmentsIsEchoedWithItsAttachments()
    {
        var (client, _) = await ConnectSocketIOAsync();
        await using var _ = client;

        await client.SendAsync($"452-[\"message\",{TwoPlaceholders}]");
        await client.SendAsync(new byte[] { 1, 2, 3 });
        await client.SendAsync(new byte[] { 4, 5, 6 });

        var packets = await client.ReceiveSkippingPingsAsync(3);
        Assert.That(packets[0].Text, Is.EqualTo($"452-[\"message-back\",{TwoPlaceholders}]"));
        Assert.That(packets[1].Binary, Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(packets[2].Binary, Is.EqualTo(new byte[] { 4, 5, 6 }));
    }

    [Test]
    public async Task PlainTextEventWithAckIsAcknowledged()
    {
        var (client, _) = await ConnectSocketIOAsync();
        await using var _ = client;

        await client.SendAsync("42456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("43456[1,\"2\",{\"3\":[false]}]"));
    }

    [Test]
    public async Task EventWithBinaryAttachmentsAndAckIsAcknowledgedWithBinaryAck()
    {
        var (client, _) = await ConnectSocketIOAsync();
        await using var _ = client;

        await client.SendAsync($"452-789[\"message-with-ack\",{TwoPlaceholders}]");
        await client.SendAsync(new byte[] { 1, 2, 3 });
        await client.SendAsync(new byte[] { 4, 5, 6 });

        var packets = await client.ReceiveSkippingPingsAsync(3);
        Assert.That(packets[0].Text, Is.EqualTo($"462-789[{TwoPlaceholders}]"));
        Assert.That(packets[1].Binary, Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(packets[2].Binary, Is.EqualTo(new byte[] { 4, 5, 6 }));
    }

    [TestCase("4abc", TestName = "ClosesConnectionUponUnknownPacketType")]
    [TestCase("42{}", TestName = "ClosesConnectionUponInvalidPayloadFormat")]
    [TestCase("42abc[\"message-with-ack\",1,\"2\",{\"3\":[false]}]", TestName = "ClosesConnectionUponInvalidAckId")]
    public async Task ClosesConnectionUponInvalidFormat(string packet)
    {
        var (client, socketId) = await ConnectSocketIOAsync();
        await using var _ = client;

        await client.SendAsync(packet);

        Assert.That(await client.WaitForCloseAsync(), Is.Empty);
        Assert.That(await DisconnectReasonAsync(socketId), Is.EqualTo("parse error"));
    }
}
