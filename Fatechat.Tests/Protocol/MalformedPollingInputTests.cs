using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Protocol;

/// <summary>
/// Malformed HTTP long-polling bodies and oversized POSTs against the live conformance host: the offending
/// session is refused (400, or 413 past maxPayload) and closed, while a healthy WebSocket connection and a new
/// session keep working. https://github.com/socketio/engine.io-protocol#http-long-polling-1
/// </summary>
public sealed class MalformedPollingInputTests : ConformanceHostFixture
{
    [SetUp]
    public void ForgetEarlierLogs() => Logs.Clear();

    [TestCase("b!!!!", TestName = "InvalidBase64ClosesOnlyItsSession")]
    [TestCase("42[\"message\",\"a\"]\u001eb%%%%", TestName = "InvalidBase64AfterValidPacketClosesOnlyItsSession")]
    [TestCase("bAQIDBA=", TestName = "TruncatedBase64PaddingClosesOnlyItsSession")]
    [TestCase("42[\"message\",\"a\"]\u001e\u001e42[\"message\",\"b\"]", TestName = "DoubledRecordSeparatorClosesOnlyItsSession")]
    [TestCase("42[\"message\",\"a\"]\u001e", TestName = "TrailingRecordSeparatorClosesOnlyItsSession")]
    [TestCase("\u001e42[\"message\",\"a\"]", TestName = "LeadingRecordSeparatorClosesOnlyItsSession")]
    [TestCase("\u001e", TestName = "LoneRecordSeparatorClosesOnlyItsSession")]
    [TestCase("9", TestName = "UnknownEngineIOTypeInBodyClosesOnlyItsSession")]
    public async Task MalformedPollingBodyIsRefusedAndClosesOnlyItsSession(string body)
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        var (sid, socketId) = await ConnectSocketIOPollingAsync();

        var (status, _) = await SocketIOPolling.PushAsync(sid, body);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await SocketIOPolling.PollAsync(sid)).Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await DisconnectReasonAsync(socketId), Is.EqualTo("parse error"));
        await AssertPollingServerHealthyAsync(healthy);
    }

    [TestCase("451-[\"message\",{\"_placeholder\":true,\"num\":\"toString\"}]\u001ebAQID", TestName = "BadPlaceholderOverPollingClosesOnlyItsSession")]
    [TestCase("42[\"disconnect\"]", TestName = "ReservedEventOverPollingClosesOnlyItsSession")]
    [TestCase("49", TestName = "UnknownSocketIOTypeOverPollingClosesOnlyItsSession")]
    public async Task MalformedSocketIOPacketOverPollingClosesOnlyItsSession(string body)
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        var (sid, socketId) = await ConnectSocketIOPollingAsync();

        await SocketIOPolling.PushAsync(sid, body);

        Assert.That(await DisconnectReasonAsync(socketId), Is.EqualTo("parse error"));
        Assert.That((await SocketIOPolling.PollAsync(sid)).Status, Is.EqualTo(HttpStatusCode.BadRequest));
        await AssertPollingServerHealthyAsync(healthy);
    }

    [TestCase(false, TestName = "PostOverMaxPayloadWithContentLengthGets413AndClosesOnlyItsSession")]
    [TestCase(true, TestName = "ChunkedPostOverMaxPayloadGets413AndClosesOnlyItsSession")]
    public async Task PostOverMaxPayloadGets413AndClosesOnlyItsSession(bool chunked)
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        var (sid, socketId) = await ConnectSocketIOPollingAsync();
        byte[] body = Encoding.ASCII.GetBytes("42[\"message\",\"" + new string('a', MaxPayload) + "\"]");

        using var request = new HttpRequestMessage(HttpMethod.Post, SocketIOPolling.SessionEndpoint(sid));
        request.Content = chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var response = await Http.SendAsync(request).WithTimeout();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await DisconnectReasonAsync(socketId), Is.EqualTo("transport error"));
        Assert.That((await SocketIOPolling.PollAsync(sid)).Status, Is.EqualTo(HttpStatusCode.BadRequest));
        await AssertPollingServerHealthyAsync(healthy);
    }

    [Test]
    public async Task PostOfExactlyMaxPayloadIsAccepted()
    {
        var (sid, _) = await ConnectSocketIOPollingAsync();
        const string prefix = "42[\"message\",\"";
        const string suffix = "\"]";
        string body = prefix + new string('a', MaxPayload - prefix.Length - suffix.Length) + suffix;

        var (status, text) = await SocketIOPolling.PushAsync(sid, body);
        Assert.That((status, text), Is.EqualTo((HttpStatusCode.OK, "ok")));

        var (pollStatus, pollBody) = await SocketIOPolling.PollAsync(sid);
        Assert.That(pollStatus, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(pollBody, Does.StartWith("42[\"message-back\",\"aaa"));
    }

    /// <summary>As <see cref="ConformanceHostFixture.AssertServerHealthyAsync"/>, the new connection over polling.</summary>
    private async Task AssertPollingServerHealthyAsync(EngineWebSocketClient healthy)
    {
        await AssertEchoAnsweredAsync(healthy, "still-alive");
        var (sid, _) = await ConnectSocketIOPollingAsync();
        Assert.That(await SocketIOPolling.PushAsync(sid, "42[\"message\",\"fresh\"]"), Is.EqualTo((HttpStatusCode.OK, "ok")));
        var (_, body) = await SocketIOPolling.PollAsync(sid);
        Assert.That(body.Split('\u001e'), Does.Contain("42[\"message-back\",\"fresh\"]"));
        Assert.That(Logs.Errors, Is.Empty, string.Join("\n", Logs.Errors));
    }

    /// <summary>A stream that hides its length, so HttpClient sends the body chunked without Content-Length.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
