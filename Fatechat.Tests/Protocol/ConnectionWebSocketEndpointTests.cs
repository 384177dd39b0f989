using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Fatechat.Protocol.EngineIO.Transports;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Protocol;

/// <summary>
/// Socket.IO WebSockets served by Kestrel connection middleware, spoken to over raw TCP with hand-written request
/// heads. A 101 from the connection path carries no <c>Date</c>/<c>Server</c> header, one from Kestrel's HTTP
/// layer does: that tells which path answered. Every request the connection path does not take — refusals,
/// polling, other paths, slow heads — must reach the HTTP layer untouched and be answered exactly as before.
/// </summary>
public sealed class ConnectionWebSocketEndpointTests : ConformanceHostFixture
{
    /// <summary>The sample nonce of RFC 6455 §1.3 and the accept value it gives.</summary>
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string AcceptForKey = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private int _headTimeoutMs;

    [SetUp]
    public void RememberHeadTimeout() => _headTimeoutMs = Io.Engine.Options.RequestHeadTimeoutMs;

    [TearDown]
    public void RestoreHeadTimeout() => SetHeadTimeout(_headTimeoutMs);

    /// <summary>On both engines: which one a head is for is known only once it has arrived, so the longest applies.</summary>
    private void SetHeadTimeout(int milliseconds) =>
        Io.Engine.Options.RequestHeadTimeoutMs = EchoEngine.Options.RequestHeadTimeoutMs = milliseconds;

    [Test]
    public async Task WebSocketHandshakeIsServedOnConnectionPathWithOpenPacket()
    {
        await using var connection = await RawConnection.OpenAsync(BaseUri);

        await connection.WriteAsync(WebSocketHead("EIO=4&transport=websocket"));

        var response = await connection.ReadResponseHeadAsync();
        AssertSwitchedByConnectionPath(response);
        await using var socket = connection.StartWebSocket();
        string open = await socket.ReceiveTextAsync();
        Assert.That(open, Does.StartWith("0{\"sid\":\""));
        Assert.That(open, Does.Contain("\"upgrades\":[]"));
        await AssertSocketIOEchoAsync(socket, "connection-path");
    }

    [Test]
    public async Task HandshakeHeadersQueryAndUrlReachTheApplication()
    {
        const string Nsp = "/handshake-echo";
        Io.Of(Nsp).OnConnection(socket => socket.Emit("handshake", new
        {
            header = socket.Handshake.Headers["X-Fatechat-Test"].ToString(),
            host = socket.Handshake.Headers.Host.ToString(),
            extra = socket.Handshake.Query["extra"].ToString(),
            url = socket.Handshake.Url,
        }));
        await using var connection = await RawConnection.OpenAsync(BaseUri);
        string head = WebSocketHead("EIO=4&transport=websocket&extra=a%20b");

        await connection.WriteAsync(head.Replace("Upgrade: websocket\r\n", "Upgrade: websocket\r\nx-fatechat-test: first\r\nX-Fatechat-Test: second\r\n"));

        AssertSwitchedByConnectionPath(await connection.ReadResponseHeadAsync());
        await using var socket = connection.StartWebSocket();
        Assert.That(await socket.ReceiveTextAsync(), Does.StartWith("0{"));
        await socket.SendAsync($"40{Nsp},");
        Assert.That(await socket.ReceiveTextAsync(), Does.StartWith($"40{Nsp},{{\"sid\""));
        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo(
            $"42{Nsp},[\"handshake\",{{\"header\":\"first,second\",\"host\":\"{BaseUri.Authority}\",\"extra\":\"a b\"," +
            $"\"url\":\"/socket.io/?EIO=4&transport=websocket&extra=a%20b\"}}]"));
    }

    [Test]
    public async Task HandshakeSentOneByteAtATimeIsServedOnConnectionPath()
    {
        await using var connection = await RawConnection.OpenAsync(BaseUri);

        await connection.WriteSlowlyAsync(WebSocketHead("EIO=4&transport=websocket"));

        AssertSwitchedByConnectionPath(await connection.ReadResponseHeadAsync());
        await using var socket = connection.StartWebSocket();
        Assert.That(await socket.ReceiveTextAsync(), Does.StartWith("0{\"sid\":\""));
        await AssertSocketIOEchoAsync(socket, "dribbled");
    }

    [TestCase("EIO=4&transport=websocket&sid=unknown-sid", "13", Key, "{\"code\":1,\"message\":\"Session ID unknown\"}", TestName = "UnknownSidIsAnsweredByHttpLayer")]
    [TestCase("EIO=4&transport=websocket", "12", Key, "{\"code\":3,\"message\":\"Bad request\"}", TestName = "BadWebSocketVersionIsAnsweredByHttpLayer")]
    [TestCase("EIO=4&transport=websocket", "13", null, "{\"code\":3,\"message\":\"Bad request\"}", TestName = "MissingKeyIsAnsweredByHttpLayer")]
    [TestCase("EIO=4&transport=websocket", "13", "c2hvcnQ=", "{\"code\":3,\"message\":\"Bad request\"}", TestName = "ShortKeyIsAnsweredByHttpLayer")]
    [TestCase("EIO=3&transport=websocket", "13", Key, "{\"code\":5,\"message\":\"Unsupported protocol version\"}", TestName = "Eio3IsAnsweredByHttpLayer")]
    [TestCase("EIO=4&transport=abc", "13", Key, "{\"code\":0,\"message\":\"Transport unknown\"}", TestName = "UnknownTransportIsAnsweredByHttpLayer")]
    public async Task RefusedHandshakeIsAnsweredByHttpLayer(string query, string version, string? key, string expectedBody)
    {
        foreach (bool slowly in new[] { false, true })
        {
            await using var connection = await RawConnection.OpenAsync(BaseUri);
            string head = WebSocketHead(query, version, key);

            await (slowly ? connection.WriteSlowlyAsync(head) : connection.WriteAsync(head));

            var response = await connection.ReadResponseAsync();
            Assert.That(response.Status, Is.EqualTo(400), $"slowly: {slowly}");
            Assert.That(response.Body, Is.EqualTo(expectedBody), $"slowly: {slowly}");
            AssertAnsweredByHttpLayer(response);
        }
    }

    [Test]
    public async Task UpgradeOnKeepAliveConnectionAfterPollingIsServedByHttpLayer()
    {
        await using var connection = await RawConnection.OpenAsync(BaseUri);
        await connection.WriteAsync(PollingHead(SocketIOPath, "EIO=4&transport=polling"));
        var polling = await connection.ReadResponseAsync();
        Assert.That(polling.Status, Is.EqualTo(200), polling.Body);
        AssertAnsweredByHttpLayer(polling);
        string sid = SidOf(polling.Body);

        await connection.WriteAsync(WebSocketHead($"EIO=4&transport=websocket&sid={sid}"));

        var upgrade = await connection.ReadResponseHeadAsync();
        Assert.That(upgrade.Status, Is.EqualTo(101));
        Assert.That(upgrade.Headers["Sec-WebSocket-Accept"], Is.EqualTo(AcceptForKey));
        AssertAnsweredByHttpLayer(upgrade);
        await using var socket = connection.StartWebSocket();
        await ProbeAndUpgradeAsync(socket);
        await AssertSocketIOEchoAsync(socket, "same-connection");
    }

    [Test]
    public async Task UpgradeOfPollingSessionOnFreshConnectionIsServedOnConnectionPath()
    {
        string sid = await SocketIOPolling.OpenAsync();
        await using var connection = await RawConnection.OpenAsync(BaseUri);

        await connection.WriteAsync(WebSocketHead($"EIO=4&transport=websocket&sid={Uri.EscapeDataString(sid)}"));

        AssertSwitchedByConnectionPath(await connection.ReadResponseHeadAsync());
        await using var socket = connection.StartWebSocket();
        await ProbeAndUpgradeAsync(socket);
        await AssertSocketIOEchoAsync(socket, "upgraded");
        Assert.That((await SocketIOPolling.PollAsync(sid)).Status, Is.EqualTo(HttpStatusCode.BadRequest), "the old transport is refused");
    }

    [Test]
    public async Task SecondUpgradeOfSameSidIsSwitchedThenClosedOnConnectionPath()
    {
        string sid = await SocketIOPolling.OpenAsync();
        await using var first = await RawConnection.OpenAsync(BaseUri);
        await first.WriteAsync(WebSocketHead($"EIO=4&transport=websocket&sid={Uri.EscapeDataString(sid)}"));
        AssertSwitchedByConnectionPath(await first.ReadResponseHeadAsync());

        await using var second = await RawConnection.OpenAsync(BaseUri);
        await second.WriteAsync(WebSocketHead($"EIO=4&transport=websocket&sid={Uri.EscapeDataString(sid)}"));

        // As Node's onWebSocket ("transport has already been trying to upgrade"): accepted, then closed at once.
        AssertSwitchedByConnectionPath(await second.ReadResponseHeadAsync());
        await using var refused = second.StartWebSocket();
        Assert.That(await refused.WaitForCloseAsync(), Is.Empty);
        Assert.That(refused.CloseStatus, Is.EqualTo(WebSocketCloseStatus.NormalClosure));

        await using var upgrading = first.StartWebSocket();
        await ProbeAndUpgradeAsync(upgrading);
        await AssertSocketIOEchoAsync(upgrading, "first-upgrade-unharmed");
    }

    [Test]
    public async Task SilentConnectionIsHandedToKestrelAfterHeadTimeout()
    {
        SetHeadTimeout(300);
        await using var connection = await RawConnection.OpenAsync(BaseUri);
        await Task.Delay(TimeSpan.FromMilliseconds(800));

        await connection.WriteAsync(PollingHead(SocketIOPath, "EIO=4&transport=polling"));

        var response = await connection.ReadResponseAsync();
        Assert.That(response.Status, Is.EqualTo(200), response.Body);
        Assert.That(response.Body, Does.StartWith("0{\"sid\":\""));
        AssertAnsweredByHttpLayer(response);
    }

    [Test]
    public async Task HandshakeAfterHeadTimeoutIsServedByHttpLayer()
    {
        SetHeadTimeout(300);
        await using var connection = await RawConnection.OpenAsync(BaseUri);
        await Task.Delay(TimeSpan.FromMilliseconds(800));

        await connection.WriteAsync(WebSocketHead("EIO=4&transport=websocket"));

        var response = await connection.ReadResponseHeadAsync();
        Assert.That(response.Status, Is.EqualTo(101));
        AssertAnsweredByHttpLayer(response);
        await using var socket = connection.StartWebSocket();
        Assert.That(await socket.ReceiveTextAsync(), Does.StartWith("0{\"sid\":\""));
        await AssertSocketIOEchoAsync(socket, "after-timeout");
    }

    [Test]
    public async Task HeadInterruptedPastHeadTimeoutIsCompletedByHttpLayer()
    {
        SetHeadTimeout(300);
        await using var connection = await RawConnection.OpenAsync(BaseUri);
        string head = WebSocketHead("EIO=4&transport=websocket");

        await connection.WriteAsync(head[..30]);
        await Task.Delay(TimeSpan.FromMilliseconds(800));
        await connection.WriteAsync(head[30..]);

        var response = await connection.ReadResponseHeadAsync();
        Assert.That(response.Status, Is.EqualTo(101));
        AssertAnsweredByHttpLayer(response);
        await using var socket = connection.StartWebSocket();
        Assert.That(await socket.ReceiveTextAsync(), Does.StartWith("0{\"sid\":\""));
    }

    [Test]
    public async Task OtherEnginePathOnFirstBytesIsAnsweredNormally()
    {
        await using var connection = await RawConnection.OpenAsync(BaseUri);

        await connection.WriteAsync(PollingHead(EngineIOPath, "EIO=4&transport=polling"));

        var response = await connection.ReadResponseAsync();
        Assert.That(response.Status, Is.EqualTo(200), response.Body);
        Assert.That(response.Body, Does.StartWith("0{\"sid\":\""));
        Assert.That(response.Body, Does.Contain("\"upgrades\":[\"websocket\"]"));
        AssertAnsweredByHttpLayer(response);
    }

    [Test]
    public async Task WebSocketOfTheBareEngineIsServedOnConnectionPath()
    {
        await using var connection = await RawConnection.OpenAsync(BaseUri);

        await connection.WriteAsync(WebSocketHead("EIO=4&transport=websocket", path: EngineIOPath));

        var response = await connection.ReadResponseHeadAsync();
        AssertSwitchedByConnectionPath(response);
        await using var socket = connection.StartWebSocket();
        Assert.That(await socket.ReceiveTextAsync(), Does.StartWith("0{\"sid\":\""));
        await socket.SendAsync("4echo");
        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo("4echo"));
    }

    [Test]
    public async Task PollingRequestSentOneByteAtATimeIsAnsweredByHttpLayer()
    {
        await using var connection = await RawConnection.OpenAsync(BaseUri);

        await connection.WriteSlowlyAsync(PollingHead(SocketIOPath, "EIO=4&transport=polling"));

        var response = await connection.ReadResponseAsync();
        Assert.That(response.Status, Is.EqualTo(200), response.Body);
        Assert.That(response.Body, Does.StartWith("0{\"sid\":\""));
        AssertAnsweredByHttpLayer(response);
    }

    private static void AssertSwitchedByConnectionPath(RawResponse response)
    {
        Assert.That(response.Status, Is.EqualTo(101), response.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers["Connection"], Is.EqualTo("Upgrade").IgnoreCase);
            Assert.That(response.Headers["Upgrade"], Is.EqualTo("websocket").IgnoreCase);
            Assert.That(response.Headers["Sec-WebSocket-Accept"], Is.EqualTo(AcceptForKey));
            Assert.That(response.Headers.ContainsKey("Date"), Is.False, "a Date header means Kestrel's HTTP layer answered");
            Assert.That(response.Headers.ContainsKey("Server"), Is.False, "a Server header means Kestrel's HTTP layer answered");
        });
    }

    private static void AssertAnsweredByHttpLayer(RawResponse response)
    {
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.ContainsKey("Date"), Is.True, response.ToString());
            Assert.That(response.Headers.TryGetValue("Server", out string? server) ? server : null, Is.EqualTo("Kestrel"), response.ToString());
        });
    }

    /// <summary>Probe <c>2probe</c>/<c>3probe</c>, then <c>5</c> moves the session onto the WebSocket.</summary>
    private static async Task ProbeAndUpgradeAsync(EngineWebSocketClient socket)
    {
        await socket.SendAsync("2probe");
        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo("3probe"));
        await socket.SendAsync("5");
    }

    /// <summary>Connects to the main namespace and gets the host's echo of <c>message</c>: the session works.</summary>
    private static async Task AssertSocketIOEchoAsync(EngineWebSocketClient socket, string text)
    {
        await socket.SendAsync("40");
        Assert.That(await socket.ReceiveTextAsync(), Does.StartWith("40{\"sid\":\""));
        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo("42[\"auth\",{}]"));
        await socket.SendAsync($"42[\"message\",\"{text}\"]");
        Assert.That(await socket.ReceiveTextAsync(), Is.EqualTo($"42[\"message-back\",\"{text}\"]"));
    }

    private static string SidOf(string openPacket)
    {
        Assert.That(openPacket, Does.StartWith("0{"));
        using var json = System.Text.Json.JsonDocument.Parse(openPacket[1..]);
        return json.RootElement.GetProperty("sid").GetString()!;
    }

    private string WebSocketHead(string query, string version = "13", string? key = Key, string path = SocketIOPath) =>
        $"GET {path}?{query} HTTP/1.1\r\n" +
        $"Host: {BaseUri.Authority}\r\n" +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        (key is null ? "" : $"Sec-WebSocket-Key: {key}\r\n") +
        $"Sec-WebSocket-Version: {version}\r\n" +
        "\r\n";

    private string PollingHead(string path, string query) =>
        $"GET {path}?{query} HTTP/1.1\r\nHost: {BaseUri.Authority}\r\nAccept: */*\r\n\r\n";

    private sealed record RawResponse(int Status, Dictionary<string, string> Headers, string Body)
    {
        public override string ToString() =>
            $"{Status} {string.Join(", ", Headers.Select(h => $"{h.Key}: {h.Value}"))} {Body}";
    }

    /// <summary>One TCP connection to the host: request heads written by hand, responses read byte by byte.</summary>
    private sealed class RawConnection : IAsyncDisposable
    {
        private readonly TcpClient _tcp;
        private readonly NetworkStream _stream;

        private RawConnection(TcpClient tcp)
        {
            _tcp = tcp;
            _stream = tcp.GetStream();
        }

        public static async Task<RawConnection> OpenAsync(Uri baseUri)
        {
            var tcp = new TcpClient { NoDelay = true };
            await tcp.ConnectAsync(baseUri.Host, baseUri.Port).WithTimeout();
            return new RawConnection(tcp);
        }

        public Task WriteAsync(string text) => _stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask().WithTimeout();

        /// <summary>Each byte in its own TCP segment, a few milliseconds apart, so the server reads the head in pieces.</summary>
        public async Task WriteSlowlyAsync(string text)
        {
            foreach (byte b in Encoding.ASCII.GetBytes(text))
            {
                await _stream.WriteAsync(new[] { b }).AsTask().WithTimeout();
                await Task.Delay(2);
            }
        }

        /// <summary>The status line and headers; no byte after the blank line is read.</summary>
        public async Task<RawResponse> ReadResponseHeadAsync()
        {
            var head = new List<byte>();
            var one = new byte[1];
            using var deadline = new CancellationTokenSource(AsyncTimeout.Default);
            while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
            {
                int read = await _stream.ReadAsync(one, deadline.Token);
                if (read == 0)
                {
                    Assert.Fail($"the server closed the connection after {Encoding.ASCII.GetString(head.ToArray())}");
                }

                head.Add(one[0]);
            }

            string[] lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            string[] status = lines[0].Split(' ', 3);
            Assert.That(status[0], Is.EqualTo("HTTP/1.1"), lines[0]);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string line in lines[1..])
            {
                int colon = line.IndexOf(':');
                headers[line[..colon]] = line[(colon + 1)..].Trim();
            }

            return new RawResponse(int.Parse(status[1]), headers, "");
        }

        /// <summary>A whole response whose body has a Content-Length.</summary>
        public async Task<RawResponse> ReadResponseAsync()
        {
            var head = await ReadResponseHeadAsync();
            Assert.That(head.Headers.TryGetValue("Content-Length", out string? length), Is.True, head.ToString());
            byte[] body = new byte[int.Parse(length!)];
            using var deadline = new CancellationTokenSource(AsyncTimeout.Default);
            await _stream.ReadExactlyAsync(body, deadline.Token);
            return head with { Body = Encoding.UTF8.GetString(body) };
        }

        /// <summary>
        /// A client WebSocket over the rest of the connection, once a 101 has been read; it answers the host's pings
        /// (every 300 ms, 200 ms to answer), so the session outlives a slow test.
        /// </summary>
        public EngineWebSocketClient StartWebSocket() => EngineWebSocketClient.Over(
            WebSocket.CreateFromStream(_stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero }),
            autoPong: true);

        public ValueTask DisposeAsync()
        {
            _tcp.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
