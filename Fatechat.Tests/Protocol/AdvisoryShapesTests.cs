using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Fatechat.Protocol.SocketIO;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Protocol;

/// <summary>
/// The request and frame shapes of the published socket.io, engine.io and ws advisories, against the live
/// conformance host through both WebSocket doors: each costs only its sender the connection (or a clear 4xx), logs
/// no error, and a well-behaved client connected before it keeps its echo. Shapes covered elsewhere — bad
/// placeholders, unknown ack ids, deeply nested arrays over WebSocket, oversized messages — are in
/// <see cref="MalformedWebSocketInputTests"/> and <see cref="MalformedPollingInputTests"/>.
/// </summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class AdvisoryShapesTests(EntryPath entryPath) : ConformanceHostFixture(entryPath)
{
    /// <summary>Heartbeats long enough for a raw client, which answers no ping, to finish what it sends.</summary>
    private const int HeartbeatMs = 1000;

    [SetUp]
    public void ForgetEarlierLogs() => Logs.Clear();

    protected override void Configure(SocketIOOptions options)
    {
        options.Engine.PingIntervalMs = HeartbeatMs;
        options.Engine.PingTimeoutMs = HeartbeatMs;
    }

    /// <summary>engine.io advisory shape: a transport name looked up on a plain object reaches its prototype.</summary>
    [TestCase("__proto__")]
    [TestCase("constructor")]
    [TestCase("hasOwnProperty")]
    public async Task PrototypeTransportNameIsRefusedOnHandshakeAndUpgrade(string transport)
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        string sid = await SocketIOPolling.OpenAsync();

        var handshake = await SocketIOPolling.GetAsync(SocketIOPolling.Endpoint($"EIO=4&transport={transport}"));
        var onSession = await SocketIOPolling.GetAsync(SocketIOPolling.Endpoint($"EIO=4&transport={transport}&sid={Uri.EscapeDataString(sid)}"));
        await using var upgrade = await RawWebSocketClient.OpenAsync(BaseUri, $"{SocketIOPath}?EIO=4&transport={transport}");
        await using var sessionUpgrade = await RawWebSocketClient.OpenAsync(BaseUri, $"{SocketIOPath}?EIO=4&transport={transport}&sid={Uri.EscapeDataString(sid)}");

        Assert.That(handshake, Is.EqualTo((HttpStatusCode.BadRequest, "{\"code\":0,\"message\":\"Transport unknown\"}")));
        Assert.That(onSession, Is.EqualTo((HttpStatusCode.BadRequest, "{\"code\":0,\"message\":\"Transport unknown\"}")));
        Assert.That(await upgrade.ReadStatusAsync(), Is.EqualTo(400));
        Assert.That(await sessionUpgrade.ReadStatusAsync(), Is.EqualTo(400));
        Assert.That(await SocketIOPolling.PushAsync(sid, "40"), Is.EqualTo((HttpStatusCode.OK, "ok")), "the named session is untouched");
        await AssertServerHealthyAsync(healthy);
    }

    /// <summary>engine.io advisory shape: a binary POST body on a v4 session, which Node now refuses as "invalid content".</summary>
    [Test]
    public async Task OctetStreamPostToAV4SessionIsRefusedAndClosesOnlyItsSession()
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        var (sid, socketId) = await ConnectSocketIOPollingAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, SocketIOPolling.SessionEndpoint(sid));
        request.Content = new ByteArrayContent([0x04, 0x01, 0x02, 0xFF]);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await Http.SendAsync(request).WithTimeout();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await DisconnectReasonAsync(socketId), Is.EqualTo("transport error"));
        Assert.That((await SocketIOPolling.PollAsync(sid)).Status, Is.EqualTo(HttpStatusCode.BadRequest));
        await AssertServerHealthyAsync(healthy);
    }

    /// <summary>socket.io-parser advisory shape: an attachment count nothing caps (Node now allows 10).</summary>
    [TestCase("4511-[\"message\"]")]
    [TestCase("459999-[\"message\"]")]
    [TestCase("454294967296-[\"message\"]")]
    [TestCase("4599999999999999999999-[\"message\"]")]
    public async Task AttachmentCountFarOverTheLimitClosesOnlyItsConnection(string packet)
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        var (offender, offenderId) = await ConnectSocketIOAsync();
        await using var __ = offender;

        await offender.SendAsync(packet);

        await offender.WaitForCloseAsync();
        Assert.That(await DisconnectReasonAsync(offenderId), Is.EqualTo("parse error"));
        var (sid, pollingId) = await ConnectSocketIOPollingAsync();
        await SocketIOPolling.PushAsync(sid, packet);
        Assert.That(await DisconnectReasonAsync(pollingId), Is.EqualTo("parse error"), "the same over polling");
        await AssertServerHealthyAsync(healthy);
    }

    /// <summary>ws advisory shape: a frame with a reserved bit set and no extension agreed is a protocol error (RFC 6455 §5.2).</summary>
    [TestCase(RawWebSocketClient.Rsv1)]
    [TestCase((byte)0x20)]
    [TestCase((byte)0x10)]
    public async Task ReservedBitOnAFrameClosesOnlyItsConnectionWithProtocolError(byte reservedBit)
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        await using var offender = await RawWebSocketClient.OpenAsync(BaseUri, $"{SocketIOPath}?EIO=4&transport=websocket");
        Assert.That(await offender.ReadStatusAsync(), Is.EqualTo(101));
        Assert.That(await offender.ReceiveTextAsync(), Does.StartWith("0{"));

        await offender.SendFrameAsync((byte)(RawWebSocketClient.Fin | reservedBit | RawWebSocketClient.Text), "40"u8);

        Assert.That(await offender.ReadCloseStatusAsync(), Is.EqualTo(1002));
        await AssertServerHealthyAsync(healthy);
    }

    /// <summary>ws before 8.17.1 (CVE-2024-37890): a request with many headers crashed the server.</summary>
    [Test]
    public async Task UpgradeWithTwoThousandHeadersIsRefusedWith431()
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        string headers = string.Concat(Enumerable.Range(0, 2000).Select(i => $"X-H{i}: v\r\n"));

        await using var offender = await RawWebSocketClient.OpenAsync(BaseUri, $"{SocketIOPath}?EIO=4&transport=websocket", headers);

        Assert.That(await offender.ReadStatusAsync(), Is.EqualTo(431));
        await AssertServerHealthyAsync(healthy);
    }

    /// <summary>
    /// ws advisory shape: a message sent as endless one-byte fragments grows without a bound. Here the message
    /// being assembled counts against maxPayload, fragments included, and the server closes with 1009.
    /// </summary>
    [Test]
    public async Task EndlessOneByteContinuationFragmentsAreCutAtMaxPayload()
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        await using var offender = await RawWebSocketClient.OpenAsync(BaseUri, $"{SocketIOPath}?EIO=4&transport=websocket");
        Assert.That(await offender.ReadStatusAsync(), Is.EqualTo(101));
        Assert.That(await offender.ReceiveTextAsync(), Does.StartWith("0{"));
        var closed = offender.ReadCloseStatusAsync(TimeSpan.FromSeconds(30));
        var clock = Stopwatch.StartNew();

        await offender.SendFrameAsync(RawWebSocketClient.Text, "4"u8);
        const int FramesPerWrite = 10_000;
        byte[] batch = [.. Enumerable.Range(0, FramesPerWrite).SelectMany(_ => RawWebSocketClient.Frame(RawWebSocketClient.Continuation, "a"u8))];
        long fragments = 0;
        try
        {
            while (!closed.IsCompleted && fragments < 3L * MaxPayload)
            {
                await offender.WriteAsync(batch);
                fragments += FramesPerWrite;
            }
        }
        catch (IOException)
        {
            // The server closed while a batch was on its way.
        }

        int? status = await closed;
        TestContext.Out.WriteLine($"{fragments} one-byte fragments written; closed with {status} after {clock.ElapsedMilliseconds} ms");
        Assert.That(status, Is.EqualTo(1009));
        Assert.That(fragments, Is.LessThan(3L * MaxPayload));
        await AssertServerHealthyAsync(healthy);
    }

    /// <summary>
    /// A POST whose body drips faster than Kestrel's minimum data rate and never ends: it holds the session's one POST
    /// slot, so no pong can come, and the read ends with the session at its heartbeat deadline. Written by hand over
    /// TCP, chunk by chunk: HttpClient would buffer a slow body and send it in large pieces.
    /// </summary>
    [Test]
    public async Task PollingPostThatNeverEndsIsCutWhenItsSessionExpires()
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        var (sid, socketId) = await ConnectSocketIOPollingAsync();
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(BaseUri.Host, BaseUri.Port).WithTimeout();
        var stream = tcp.GetStream();
        var clock = Stopwatch.StartNew();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST {SocketIOPolling.SessionEndpoint(sid).PathAndQuery} HTTP/1.1\r\nHost: {BaseUri.Authority}\r\n" +
            "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n" + Chunk("42[\"message\",\"")));

        // 100 bytes every 100 ms (1,000 bytes/s, over Kestrel's 240) until the server cuts the connection.
        long written = 0;
        byte[] chunk = Encoding.ASCII.GetBytes(Chunk(new string('a', 100)));
        var readEnd = stream.ReadAsync(new byte[4096]).AsTask();
        try
        {
            while (!readEnd.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                await stream.WriteAsync(chunk).AsTask().WithTimeout();
                written += 100;
                await Task.WhenAny(readEnd, Task.Delay(100));
            }
        }
        catch (IOException)
        {
            // The server reset the connection under a chunk on its way.
        }

        long elapsed = clock.ElapsedMilliseconds;
        TestContext.Out.WriteLine($"POST cut after {elapsed} ms and {written} body bytes");
        Assert.That(await DisconnectReasonAsync(socketId), Is.EqualTo("ping timeout"));
        Assert.That(elapsed, Is.LessThan(10_000), "ended by the heartbeat (2 s + 1 s grace), not by the client giving up at 20 s");
        Assert.That(written * 1000 / elapsed, Is.GreaterThan(240), "the drip ran faster than Kestrel's minimum data rate");
        await AssertServerHealthyAsync(healthy);

        static string Chunk(string data) => $"{data.Length:x}\r\n{data}\r\n";
    }

    [Test]
    public async Task DeeplyNestedObjectsOverPollingCloseOnlyTheirSession()
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        var (sid, socketId) = await ConnectSocketIOPollingAsync();
        const int Depth = 10_000;

        await SocketIOPolling.PushAsync(sid, "42[\"message\"," + string.Concat(Enumerable.Repeat("{\"a\":", Depth)) + "1" + new string('}', Depth) + "]");

        Assert.That(await DisconnectReasonAsync(socketId), Is.EqualTo("parse error"));
        await AssertServerHealthyAsync(healthy);
    }

    [Test]
    public async Task HugeFlatJsonWithinMaxPayloadIsEchoedAndHarmsNobody()
    {
        var (healthy, _) = await ConnectSocketIOAsync();
        await using var _ = healthy;
        var (client, _) = await ConnectSocketIOAsync();
        await using var __ = client;
        // Nearly half a million array elements in one packet just under maxPayload.
        int elements = (MaxPayload - 32) / 2;
        string packet = "42[\"message\",[" + string.Join(",", Enumerable.Repeat("0", elements)) + "]]";

        await client.SendAsync(packet);

        var reply = await client.ReceiveSkippingPingsAsync(1, TimeSpan.FromSeconds(20));
        Assert.That(reply[0].Text, Has.Length.EqualTo(packet.Length + "-back".Length));
        await AssertServerHealthyAsync(healthy);
    }
}
