using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fatechat.Protocol.SocketIO;
using Fatechat.Tests.Interop;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Protocol;

/// <summary>
/// Engine.IO v3 / Socket.IO v4, what socket.io-client 2.x speaks, byte for byte against Node's parser-v3 and
/// <c>allowEIO3</c> behaviour: length-framed polling payloads (UTF-16 lengths), binary payloads and <c>b4</c> base64,
/// type-byte WebSocket binary frames, the client-driven heartbeat, the implicit main-namespace connect and the
/// namespace query as auth. On both doors.
/// </summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class EngineIOv3Tests(EntryPath entryPath)
{
    private const int PingIntervalMs = 300;
    private const int PingTimeoutMs = 200;
    private static readonly byte[] Blob = [0, 1, 2, 254, 255];

    private InteropServer _server = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await InteropServer.StartAsync(entryPath, io =>
        {
            io.OnConnection(socket =>
            {
                socket.On("echo", (args, ack) => socket.Emit("echo", args));
                socket.On("blob", (_, _) => socket.Emit("blob", Blob, new { nested = Blob }));
                socket.On("upload", (args, ack) => ack?.Send(Convert.ToHexString(args.GetBytes(0)!)));
            });
            io.Of("/admin").OnConnection(socket =>
                socket.On("auth", (_, ack) => ack?.Send(socket.Handshake.Auth)));
            io.Of("/closed").Use(_ => throw new SocketIOConnectException("not for you"));
        }, o =>
        {
            o.Engine.AllowEIO3 = true;
            o.Engine.PingIntervalMs = PingIntervalMs;
            o.Engine.PingTimeoutMs = PingTimeoutMs;
        });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private string PollingUrl(string? sid = null, bool base64 = false) =>
        $"{_server.Url}/socket.io/?EIO=3&transport=polling{(sid is null ? "" : "&sid=" + sid)}{(base64 ? "&b64=1" : "")}";

    private async Task<string> OpenAsync(bool base64 = false)
    {
        using var response = await _http.GetAsync(PollingUrl(base64: base64));
        string body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        var records = TextRecords(body);
        Assert.That(records, Has.Count.EqualTo(1), body);
        Assert.That(records[0], Does.StartWith("0{"));
        using var open = JsonDocument.Parse(records[0][1..]);
        return open.RootElement.GetProperty("sid").GetString()!;
    }

    private async Task<(HttpStatusCode Status, string Body, byte[] Bytes, string? ContentType)> GetAsync(string sid)
    {
        using var response = await _http.GetAsync(PollingUrl(sid));
        byte[] bytes = await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, Encoding.UTF8.GetString(bytes), bytes, response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<HttpStatusCode> PostAsync(string sid, byte[] body, string contentType)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await _http.PostAsync(PollingUrl(sid), content);
        return response.StatusCode;
    }

    private Task<HttpStatusCode> PostTextAsync(string sid, params string[] packets) =>
        PostAsync(sid, Encoding.UTF8.GetBytes(string.Concat(packets.Select(p => $"{p.Length}:{p}"))), "text/plain;charset=UTF-8");

    /// <summary>Splits a v3 text payload, checking each length in UTF-16 code units as JavaScript counts them.</summary>
    private static List<string> TextRecords(string payload)
    {
        var records = new List<string>();
        for (int i = 0; i < payload.Length;)
        {
            int colon = payload.IndexOf(':', i);
            Assert.That(colon, Is.GreaterThan(i), $"a length prefix in {payload}");
            int length = int.Parse(payload[i..colon]);
            Assert.That(colon + 1 + length, Is.LessThanOrEqualTo(payload.Length), $"length {length} within {payload}");
            records.Add(payload.Substring(colon + 1, length));
            i = colon + 1 + length;
        }

        return records;
    }

    [Test]
    public async Task HandshakeIsLengthFramedAndTheMainNamespaceIsConnectedWithoutAsking()
    {
        using var response = await _http.GetAsync(PollingUrl());
        string body = await response.Content.ReadAsStringAsync();
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/plain; charset=UTF-8"));
        string open = TextRecords(body).Single();
        using var json = JsonDocument.Parse(open[1..]);
        Assert.That(json.RootElement.GetProperty("upgrades").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "websocket" }));
        Assert.That(json.RootElement.GetProperty("pingInterval").GetInt32(), Is.EqualTo(PingIntervalMs));
        Assert.That(json.RootElement.GetProperty("pingTimeout").GetInt32(), Is.EqualTo(PingTimeoutMs));

        var (_, connect, _, _) = await GetAsync(json.RootElement.GetProperty("sid").GetString()!);
        Assert.That(connect, Is.EqualTo("2:40"), "protocol v4: CONNECT for / without a payload, unasked");
    }

    [Test]
    public async Task TheClientPingsAndTheServerAnswersPong()
    {
        string sid = await OpenAsync();
        await GetAsync(sid); // 40

        for (int i = 0; i < 3; i++)
        {
            await Task.Delay(PingIntervalMs);
            Assert.That(await PostTextAsync(sid, "2"), Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await GetAsync(sid)).Body, Is.EqualTo("1:3"));
        }
    }

    [Test]
    public async Task AProbePingIsAnsweredWithItsData()
    {
        string sid = await OpenAsync();
        await GetAsync(sid);
        Assert.That(await PostTextAsync(sid, "2probe"), Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await GetAsync(sid)).Body, Is.EqualTo("1:3"), "as Node: the pong carries no data");
    }

    [Test]
    public async Task ASessionWithoutPingsEndsAfterPingIntervalPlusPingTimeout()
    {
        string sid = await OpenAsync();
        await GetAsync(sid);
        await Task.Delay(PingIntervalMs + PingTimeoutMs / 2);
        Assert.That(await PostTextAsync(sid, "2"), Is.EqualTo(HttpStatusCode.OK), "still open past pingInterval: v3 allows interval + timeout");
        Assert.That((await GetAsync(sid)).Body, Is.EqualTo("1:3"), "and the server never pinged meanwhile");

        await Task.Delay(PingIntervalMs + PingTimeoutMs + 50);
        Assert.That((await GetAsync(sid)).Status, Is.EqualTo(HttpStatusCode.BadRequest), "no ping for interval + timeout: gone");
    }

    [Test]
    public async Task APongFromTheClientIsTheWrongDirectionAndClosesTheSession()
    {
        string sid = await OpenAsync();
        await GetAsync(sid);
        await PostTextAsync(sid, "3");
        var (status, body, _, _) = await GetAsync(sid);
        Assert.That(status == HttpStatusCode.BadRequest || body == "1:1", Is.True, $"closed, got {status} {body}");
    }

    [Test]
    public async Task LengthsCountUtf16CodeUnitsBothWays()
    {
        string sid = await OpenAsync();
        await GetAsync(sid);
        const string packet = "42[\"echo\",\"é🐙 and ✓\"]";
        Assert.That(packet.Length, Is.Not.EqualTo(Encoding.UTF8.GetByteCount(packet)), "the test needs text whose lengths differ");

        Assert.That(await PostTextAsync(sid, packet, "2"), Is.EqualTo(HttpStatusCode.OK));
        var (_, body, _, _) = await GetAsync(sid);
        Assert.That(TextRecords(body), Is.EquivalentTo(new[] { packet, "3" }));
    }

    [Test]
    public async Task BinaryGoesAsABinaryPayloadToAClientThatSupportsIt()
    {
        string sid = await OpenAsync();
        await GetAsync(sid);
        await PostTextAsync(sid, "42[\"blob\"]");

        var (_, _, bytes, contentType) = await GetAsync(sid);
        Assert.That(contentType, Is.EqualTo("application/octet-stream"));
        var records = BinaryRecords(bytes);
        Assert.That(records, Has.Count.EqualTo(3));
        Assert.That(records[0].IsText, Is.True);
        Assert.That(Encoding.UTF8.GetString(records[0].Data), Is.EqualTo("452-[\"blob\",{\"_placeholder\":true,\"num\":0},{\"nested\":{\"_placeholder\":true,\"num\":1}}]"));
        foreach (var attachment in records.Skip(1))
        {
            Assert.That(attachment.IsText, Is.False);
            Assert.That(attachment.Data, Is.EqualTo(new byte[] { 4 }.Concat(Blob).ToArray()), "type byte 4, then the data");
        }
    }

    [Test]
    public async Task BinaryGoesAsB4Base64ToAClientThatAskedForBase64()
    {
        string sid = await OpenAsync(base64: true);
        await GetAsync(sid);
        await PostTextAsync(sid, "42[\"blob\"]");

        var (_, body, _, contentType) = await GetAsync(sid);
        Assert.That(contentType, Is.EqualTo("text/plain"));
        var records = TextRecords(body);
        Assert.That(records, Has.Count.EqualTo(3));
        Assert.That(records[1], Is.EqualTo("b4" + Convert.ToBase64String(Blob)));
        Assert.That(records[2], Is.EqualTo("b4" + Convert.ToBase64String(Blob)));
    }

    [Test]
    public async Task BinaryFromTheClientArrivesInEitherPayloadForm()
    {
        string sid = await OpenAsync();
        await GetAsync(sid);
        const string header = "451-0[\"upload\",{\"_placeholder\":true,\"num\":0}]";

        var binaryBody = new List<byte>();
        AddBinaryRecord(binaryBody, isText: true, Encoding.UTF8.GetBytes(header));
        AddBinaryRecord(binaryBody, isText: false, [4, .. Blob]);
        Assert.That(await PostAsync(sid, binaryBody.ToArray(), "application/octet-stream"), Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await GetAsync(sid)).Body, Is.EqualTo($"{"430[\"000102FEFF\"]".Length}:430[\"000102FEFF\"]"));

        const string header2 = "451-1[\"upload\",{\"_placeholder\":true,\"num\":0}]";
        Assert.That(await PostTextAsync(sid, header2, "b4" + Convert.ToBase64String(Blob)), Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await GetAsync(sid)).Body, Is.EqualTo($"{"431[\"000102FEFF\"]".Length}:431[\"000102FEFF\"]"));
    }

    [TestCase("5:42", "text/plain", Description = "length past the end")]
    [TestCase("x:42[\"a\"]", "text/plain", Description = "no number")]
    [TestCase(":42", "text/plain", Description = "empty length")]
    [TestCase("2:4", "text/plain", Description = "trailing bytes without a length")]
    [TestCase("2:b4!!", "text/plain", Description = "bad base64")]
    [TestCase("3:9ab", "text/plain", Description = "unknown packet type")]
    [TestCase("", "text/plain", Description = "empty body")]
    [TestCase("4294967296:", "text/plain", Description = "a length that wraps to 0 in 32 bits (found by the fuzzer)")]
    [TestCase("4294967298:42", "text/plain", Description = "a length that wraps to 2 in 32 bits")]
    [TestCase("\u0002\u0001\u00ff4", "application/octet-stream", Description = "bad kind byte")]
    [TestCase("\u0000\u0009\u00ff42", "application/octet-stream", Description = "binary length past the end")]
    public async Task AMalformedPayloadIs400AndClosesOnlyThatSession(string body, string contentType)
    {
        string other = await OpenAsync();
        string sid = await OpenAsync();
        await GetAsync(sid);
        byte[] bytes = body.Select(c => (byte)c).ToArray();
        if (contentType == "text/plain")
        {
            bytes = Encoding.UTF8.GetBytes(body);
        }

        Assert.That(await PostAsync(sid, bytes, contentType), Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await GetAsync(sid)).Status, Is.EqualTo(HttpStatusCode.BadRequest), "that session is gone");
        Assert.That((await GetAsync(other)).Body, Is.EqualTo("2:40"), "another session is untouched");
    }

    [Test]
    public async Task ANamespaceQueryIsItsAuthPayload()
    {
        string sid = await OpenAsync();
        await GetAsync(sid);
        await PostTextAsync(sid, "40/admin?token=abc&x=1&x=2,");
        Assert.That((await GetAsync(sid)).Body, Is.EqualTo("9:40/admin,"));

        await PostTextAsync(sid, "42/admin,7[\"auth\"]");
        var ack = TextRecords((await GetAsync(sid)).Body).Single();
        Assert.That(ack, Does.StartWith("43/admin,7"));
        using var auth = JsonDocument.Parse(ack["43/admin,7".Length..]);
        Assert.That(auth.RootElement[0].GetProperty("token").GetString(), Is.EqualTo("abc"));
        Assert.That(auth.RootElement[0].GetProperty("x").GetString(), Is.EqualTo("2"), "the last of repeated keys, as Object.fromEntries");
    }

    [Test]
    public async Task ARefusedNamespaceGetsTheErrorAsOneJsonValue()
    {
        string sid = await OpenAsync();
        await GetAsync(sid);
        await PostTextAsync(sid, "40/closed,");
        Assert.That(TextRecords((await GetAsync(sid)).Body).Single(), Is.EqualTo("44/closed,\"not for you\""));
    }

    [Test]
    public async Task OverWebSocketBinaryFramesCarryTheTypeByte()
    {
        var uri = new Uri($"{_server.Url.Replace("http", "ws")}/socket.io/?EIO=3&transport=websocket");
        await using var client = await EngineWebSocketClient.ConnectAsync(uri);
        Assert.That(await client.ReceiveTextAsync(), Does.StartWith("0{"));
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("40"));

        await client.SendAsync("2");
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("3"));

        await client.SendAsync("42[\"blob\"]");
        Assert.That(await client.ReceiveTextAsync(), Does.StartWith("452-[\"blob\""));
        for (int i = 0; i < 2; i++)
        {
            var attachment = await client.ReceiveAsync();
            Assert.That(attachment.Binary, Is.EqualTo(new byte[] { 4 }.Concat(Blob).ToArray()));
        }

        await client.SendAsync("451-5[\"upload\",{\"_placeholder\":true,\"num\":0}]");
        await client.SendAsync([4, .. Blob]);
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("435[\"000102FEFF\"]"));

        await client.SendAsync("451-6[\"upload\",{\"_placeholder\":true,\"num\":0}]");
        await client.SendAsync("b4" + Convert.ToBase64String(Blob));
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("436[\"000102FEFF\"]"), "base64 from a client forced to it");
    }

    [Test]
    public async Task AWebSocketBinaryFrameWithoutTheTypeByteClosesTheConnection()
    {
        var uri = new Uri($"{_server.Url.Replace("http", "ws")}/socket.io/?EIO=3&transport=websocket");
        await using var client = await EngineWebSocketClient.ConnectAsync(uri);
        await client.ReceiveTextAsync();
        await client.ReceiveTextAsync();
        await client.SendAsync("451-[\"upload\",{\"_placeholder\":true,\"num\":0}]");
        await client.SendAsync(Blob);
        var messages = await client.ReceiveSkippingPingsAsync(1);
        Assert.That(messages[^1].IsClosed, Is.True);
    }

    [Test]
    public async Task AV4SessionRefusesAV3RequestAndTheOtherWayRound()
    {
        string sid = await OpenAsync();
        using var asV4 = await _http.GetAsync($"{_server.Url}/socket.io/?EIO=4&transport=polling&sid={sid}");
        Assert.That(asV4.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    private static List<(bool IsText, byte[] Data)> BinaryRecords(byte[] payload)
    {
        var records = new List<(bool, byte[])>();
        for (int i = 0; i < payload.Length;)
        {
            bool isText = payload[i] == 0;
            int end = Array.IndexOf(payload, (byte)255, i + 1);
            int length = int.Parse(string.Concat(payload[(i + 1)..end].Select(d => (char)('0' + d))));
            records.Add((isText, payload[(end + 1)..(end + 1 + length)]));
            i = end + 1 + length;
        }

        return records;
    }

    private static void AddBinaryRecord(List<byte> body, bool isText, byte[] data)
    {
        body.Add(isText ? (byte)0 : (byte)1);
        body.AddRange(data.Length.ToString().Select(c => (byte)(c - '0')));
        body.Add(255);
        body.AddRange(data);
    }
}
