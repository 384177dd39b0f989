using System.Net.WebSockets;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Protocol;

/// <summary>
/// The packet shapes behind the Node server's crash advisories, sent over a live WebSocket to the conformance
/// host: each closes only the connection that sent it, nothing is logged as an error, and a second, healthy
/// connection (and a new one) still gets its echo. https://github.com/socketio/socket.io-protocol#packet-encoding
/// </summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class MalformedWebSocketInputTests(EntryPath entryPath) : ConformanceHostFixture(entryPath)
{
    private static readonly string[] BadPlaceholders =
    [
        "{\"_placeholder\":true,\"num\":\"0\"}",
        "{\"_placeholder\":true,\"num\":\"toString\"}",
        "{\"_placeholder\":true,\"num\":-1}",
        "{\"_placeholder\":true,\"num\":1}",
        "{\"_placeholder\":true,\"num\":4294967296}",
        "{\"_placeholder\":true,\"num\":0.5}",
        "{\"_placeholder\":true,\"num\":null}",
        "{\"_placeholder\":true}",
    ];

    [SetUp]
    public void ForgetEarlierLogs() => Logs.Clear();

    [TestCaseSource(nameof(BadPlaceholders))]
    public Task PlaceholderWithBadNumClosesOnlyItsConnection(string placeholder) =>
        AssertOnlyOffenderClosedAsync(async offender =>
        {
            await offender.SendAsync($"451-[\"message\",{placeholder}]");
            await offender.SendAsync(new byte[] { 1, 2, 3 });
        }, "parse error");

    [Test]
    public Task PlaceholderInBinaryEventWithoutAttachmentsClosesOnlyItsConnection() =>
        AssertOnlyOffenderClosedAsync(
            offender => offender.SendAsync("450-[\"message\",{\"_placeholder\":true,\"num\":0}]"), "parse error");

    [Test]
    public async Task PlaceholderInPlainEventIsEchoedAsOrdinaryData()
    {
        var (client, _) = await ConnectSocketIOAsync();
        await using var _ = client;

        await client.SendAsync("42[\"message\",{\"_placeholder\":true,\"num\":0}]");

        var reply = await client.ReceiveSkippingPingsAsync(1);
        Assert.That(reply[0].Text, Is.EqualTo("42[\"message-back\",{\"_placeholder\":true,\"num\":0}]"));
        Assert.That(Logs.Errors, Is.Empty);
    }

    [TestCase(false, TestName = "AttachmentsThatNeverArriveThenCloseLeaveServerHealthy")]
    [TestCase(true, TestName = "AttachmentsThatNeverArriveThenDroppedTcpLeaveServerHealthy")]
    public async Task AttachmentsThatNeverArriveThenDisconnectLeaveServerHealthy(bool dropTcp)
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        var (offender, offenderId) = await ConnectSocketIOAsync();

        await offender.SendAsync("452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        await offender.SendAsync(new byte[] { 1 });
        if (dropTcp)
        {
            await offender.DisposeAsync();
        }
        else
        {
            await offender.SendAsync("1");
            await offender.WaitForCloseAsync();
            await offender.DisposeAsync();
        }

        Assert.That(await DisconnectReasonAsync(offenderId), Is.AnyOf("transport close", "transport error"));
        await AssertServerHealthyAsync(healthy);
    }

    [Test]
    public Task TextPacketWhileAttachmentsAreAwaitedClosesOnlyItsConnection() =>
        AssertOnlyOffenderClosedAsync(async offender =>
        {
            await offender.SendAsync("452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            await offender.SendAsync(new byte[] { 1 });
            await offender.SendAsync("42[\"message\",\"interleaved\"]");
        }, "parse error");

    [Test]
    public Task BinaryFrameWithoutBinaryPacketClosesOnlyItsConnection() =>
        AssertOnlyOffenderClosedAsync(offender => offender.SendAsync(new byte[] { 1, 2, 3 }), "parse error");

    [TestCase("4565-[\"message\"]", TestName = "TooManyAnnouncedAttachmentsCloseOnlyTheirConnection")]
    [TestCase("45a-[\"message\"]", TestName = "NonNumericAttachmentCountClosesOnlyItsConnection")]
    [TestCase("452[\"message\"]", TestName = "AttachmentCountWithoutDashClosesOnlyItsConnection")]
    [TestCase("47", TestName = "UnknownSocketIOPacketTypeClosesOnlyItsConnection")]
    [TestCase("4abc", TestName = "NonDigitSocketIOPacketTypeClosesOnlyItsConnection")]
    [TestCase("7hello", TestName = "UnknownEngineIOPacketTypeClosesOnlyItsConnection")]
    [TestCase("", TestName = "EmptyEngineIOPacketClosesOnlyItsConnection")]
    [TestCase("42[\"message\",", TestName = "BadJsonClosesOnlyItsConnection")]
    [TestCase("42{\"not\":\"an array\"}", TestName = "NonArrayEventClosesOnlyItsConnection")]
    [TestCase("42[]", TestName = "EmptyEventClosesOnlyItsConnection")]
    [TestCase("42[{\"toString\":\"message\"}]", TestName = "ObjectEventNameClosesOnlyItsConnection")]
    [TestCase("43[1]", TestName = "AckWithoutIdClosesOnlyItsConnection")]
    [TestCase("4212345678901234567890[\"message-with-ack\"]", TestName = "AckIdOverflowClosesOnlyItsConnection")]
    [TestCase("41{\"payload\":true}", TestName = "DisconnectWithPayloadClosesOnlyItsConnection")]
    public Task MalformedPacketClosesOnlyItsConnection(string packet) =>
        AssertOnlyOffenderClosedAsync(offender => offender.SendAsync(packet), "parse error");

    [TestCaseSource(typeof(MalformedWebSocketInputTests), nameof(ReservedEventNames))]
    public Task ReservedEventNameFromClientClosesOnlyItsConnection(string name) =>
        AssertOnlyOffenderClosedAsync(offender => offender.SendAsync($"42[\"{name}\",\"payload\"]"), "parse error");

    [Test]
    public Task InvalidUtf8TextFrameClosesOnlyItsConnection() =>
        AssertOnlyOffenderClosedAsync(
            offender => offender.SendAsync(new byte[] { (byte)'4', (byte)'2', (byte)'[', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)']' }, WebSocketMessageType.Text),
            expectedReason: null);

    [Test]
    public Task DeeplyNestedJsonClosesOnlyItsConnection() =>
        AssertOnlyOffenderClosedAsync(
            offender => offender.SendAsync("42[\"message\"," + new string('[', 10_000) + new string(']', 10_000) + "]"),
            "parse error");

    [Test]
    public async Task AckForUnknownIdIsIgnored()
    {
        var (client, socketId) = await ConnectSocketIOAsync();
        await using var _ = client;

        await client.SendAsync("43999[\"nobody asked\"]");
        await client.SendAsync("461-998[{\"_placeholder\":true,\"num\":0}]");
        await client.SendAsync(new byte[] { 7 });

        await AssertEchoAnsweredAsync(client, "after-unknown-ack");
        Assert.That(DisconnectReasonAsync(socketId).IsCompleted, Is.False);
        Assert.That(Logs.Errors, Is.Empty);
    }

    [Test]
    public async Task EventForNamespaceNeverJoinedClosesOnlyItsConnection()
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        var (offender, offenderId) = await ConnectSocketIOAsync();
        await using var __ = offender;

        await offender.SendAsync("42/custom,[\"message\",\"x\"]");

        await offender.WaitForCloseAsync();
        Assert.That(await DisconnectReasonAsync(offenderId), Is.Not.Empty);
        await AssertServerHealthyAsync(healthy);
    }

    [Test]
    public async Task OversizedWebSocketMessageClosesOnlyItsConnectionWithMessageTooBig()
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        var (offender, offenderId) = await ConnectSocketIOAsync();
        await using var __ = offender;

        await offender.SendAsync(EventOfLength(MaxPayload + 1));

        await offender.WaitForCloseAsync();
        Assert.That(offender.CloseStatus, Is.EqualTo(WebSocketCloseStatus.MessageTooBig));
        Assert.That(await DisconnectReasonAsync(offenderId), Is.EqualTo("transport error"));
        await AssertServerHealthyAsync(healthy);
    }

    [Test]
    public async Task WebSocketMessageOfExactlyMaxPayloadIsAccepted()
    {
        var (client, _) = await ConnectSocketIOAsync();
        await using var _ = client;
        string message = EventOfLength(MaxPayload);

        await client.SendAsync(message);

        var reply = await client.ReceiveSkippingPingsAsync(1);
        Assert.That(reply[0].Text, Has.Length.EqualTo(MaxPayload + "-back".Length));
    }

    private static IEnumerable<string> ReservedEventNames() => Fatechat.Protocol.SocketIO.SocketIOPacketParser.ReservedEvents;

    /// <summary><c>42["message","aaa…"]</c> of exactly <paramref name="length"/> bytes.</summary>
    private static string EventOfLength(int length)
    {
        const string prefix = "42[\"message\",\"";
        const string suffix = "\"]";
        return prefix + new string('a', length - prefix.Length - suffix.Length) + suffix;
    }

    /// <param name="expectedReason">The server-side disconnect reason; null when only the closing matters.</param>
    private async Task AssertOnlyOffenderClosedAsync(Func<EngineWebSocketClient, Task> offend, string? expectedReason)
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        var (offender, offenderId) = await ConnectSocketIOAsync();
        await using var __ = offender;

        await offend(offender);

        await offender.WaitForCloseAsync();
        string reason = await DisconnectReasonAsync(offenderId);
        if (expectedReason is not null)
        {
            Assert.That(reason, Is.EqualTo(expectedReason));
        }

        await AssertServerHealthyAsync(healthy);
    }
}
