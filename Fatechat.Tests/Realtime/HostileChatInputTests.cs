using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fatechat.Protocol.EngineIO;
using Fatechat.Protocol.SocketIO;
using Fatechat.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fatechat.Tests.Realtime;

/// <summary>
/// Hostile input against the real chat server (embedded adapters, raw Engine.IO clients): what a registered user
/// can make the server hold with <c>getRecentMessages</c>, what a binary event can hold before and after login, and
/// client mistakes that must cost one Debug line, never an error with a stack trace.
/// </summary>
[TestFixture]
public sealed class HostileChatInputTests
{
    private const int AttachmentTimeoutMs = 1000;

    /// <summary>A reply bound below the default (512 KiB), so that thirty messages already go over it.</summary>
    private const int RecentMessagesMaxBytes = 256 * 1024;

    /// <summary>Three UTF-8 bytes a character: the largest reply a message can make (12 KB).</summary>
    private static readonly string LongestMessage = new('中', 4000);

    private readonly CapturedLogs _logs = new(LogLevel.Debug);
    private FatechatTestServer _server = null!;
    private string _token = null!;
    private string _room = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _server = await FatechatTestServer.StartAsync(
            "--Logging:LogLevel:Fatechat=Debug",
            $"--Fatechat:SocketIO:AttachmentTimeoutMs={AttachmentTimeoutMs}",
            $"--Fatechat:Chat:RecentMessagesMaxBytes={RecentMessagesMaxBytes}");
        _server.Services.GetRequiredService<ILoggerFactory>().AddProvider(_logs);
        (_, _token) = await _server.RegisterAsync("hostile");
        _room = "hostile-" + Guid.NewGuid().ToString("N")[..8];
        using var created = await _server.Client.SendAsync(_server.Request(HttpMethod.Post, "/api/chat", _token, new { name = _room }));
        created.EnsureSuccessStatusCode();

        // Thirty of the largest messages: a full page of them is more than a reply may carry.
        await using var writer = await ConnectAsync(_token);
        await JoinAsync(writer);
        for (int i = 0; i < 30; i++)
        {
            await writer.SendAsync($"42{100 + i}[\"sendMessage\",{{\"roomName\":\"{_room}\",\"message\":\"{LongestMessage}\"}}]");
            Assert.That(await ReceiveStartingWithAsync(writer, $"43{100 + i}"), Does.Contain("\"ok\":true"));
        }
    }

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [SetUp]
    public void ForgetEarlierLogs() => _logs.Clear();

    [Test]
    public async Task RecentMessagesReplyIsBoundedInBytes()
    {
        await using var client = await ConnectAsync(_token);

        await client.SendAsync($"421[\"getRecentMessages\",{{\"roomName\":\"{_room}\",\"count\":100}}]");

        string ack = await ReceiveStartingWithAsync(client, "431");
        using var rows = JsonDocument.Parse(ack[3..]);
        int count = rows.RootElement[0].GetArrayLength();
        int bytes = Encoding.UTF8.GetByteCount(ack);
        TestContext.Out.WriteLine($"reply of {count} rows, {bytes} bytes");
        Assert.That(bytes, Is.LessThanOrEqualTo(RecentMessagesMaxBytes).And.GreaterThan(RecentMessagesMaxBytes * 3 / 4));
        Assert.That(count, Is.InRange(15, 29), "cut below the 30 stored (and the rooms' join rows), and not to nothing");
        var texts = rows.RootElement[0].EnumerateArray().Where(r => !r.GetProperty("is_event").GetBoolean())
            .Select(r => r.GetProperty("message_text").GetString()).ToList();
        Assert.That(texts, Is.Not.Empty.And.All.EqualTo(LongestMessage), "whole rows, never a cut message");
    }

    /// <summary>
    /// The issue's amplification, scaled: a polling session that never sends GET and asks for the room's history with
    /// small POSTs. Each answer waits in its outbound queue until the byte bound (4 MiB by default) closes it.
    /// </summary>
    [Test]
    public async Task PollingSessionThatAsksForHistoryAndNeverReadsIsClosedAtTheByteBound()
    {
        var polling = new EnginePollingClient(_server.Client, _server.BaseAddress, "/socket.io/");
        string sid = await polling.OpenAsync();
        Assert.That(await polling.PushAsync(sid, $"40{{\"token\":\"{_token}\"}}"), Is.EqualTo((HttpStatusCode.OK, "ok")));
        await AsyncTimeout.UntilAsync(() => Io.Engine.TryGet(sid, out var s) && s.Outbound.Count > 0, "the CONNECT reply is queued");
        Assert.That(Io.Engine.TryGet(sid, out EngineConnection session), Is.True);
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long rssBefore = Process.GetCurrentProcess().WorkingSet64;

        int posts = 0;
        long peak = 0;
        while (session.IsOpen && posts < 1000)
        {
            string ask = $"42{posts}[\"getRecentMessages\",{{\"roomName\":\"{_room}\",\"count\":100}}]";
            long queued = session.Outbound.Bytes;
            var (status, _) = await polling.PushAsync(sid, ask);
            posts++;
            peak = Math.Max(peak, session.Outbound.Bytes);
            if (status != HttpStatusCode.OK)
            {
                break;
            }

            // The handlers run one at a time: let this one answer before the next ask, as a patient attacker would.
            await AsyncTimeout.UntilAsync(() => !session.IsOpen || session.Outbound.Bytes > queued, "the reply is queued");
            peak = Math.Max(peak, session.Outbound.Bytes);
        }

        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        long rssAfter = Process.GetCurrentProcess().WorkingSet64;
        TestContext.Out.WriteLine(
            $"closed ({session.CloseReason}) after {posts} POSTs; peak queued {peak / 1024} KiB; managed heap {heapBefore / 1024 / 1024} → " +
            $"{heapAfter / 1024 / 1024} MiB; RSS {rssBefore / 1024 / 1024} → {rssAfter / 1024 / 1024} MiB");
        Assert.That(session.CloseReason, Is.EqualTo("outbound queue full"));
        Assert.That(posts, Is.LessThan(20));
        Assert.That(peak, Is.LessThanOrEqualTo(4 * 1024 * 1024));
        Assert.That(session.Outbound.Bytes, Is.Zero, "the replies are let go at the close");
        var queueFull = _logs.Entries.Where(e => e.Message.Contains("outbound queue full") && !LifecycleEvents.Contains(e.EventId.Id)).ToList();
        Assert.That(queueFull, Has.Count.EqualTo(1), string.Join("\n", queueFull));
        Assert.That(queueFull[0].Level, Is.EqualTo(LogLevel.Warning));
        await AssertServerHealthyAsync();
    }

    [Test]
    public async Task BinaryEventOfASocketRefusedAtLoginIsRefusedBeforeItsAttachments()
    {
        await using var client = await EngineWebSocketClient.ConnectAsync(WebSocketUri(), autoPong: true);
        Assert.That(await client.ReceiveTextAsync(), Does.StartWith("0{"));
        await client.SendAsync("40{\"token\":\"not-a-token\"}");
        Assert.That(await ReceiveStartingWithAsync(client, "42"), Does.Contain("Token Unauthorized"));
        Assert.That(await ReceiveStartingWithAsync(client, "41"), Is.EqualTo("41"));
        var clock = Stopwatch.StartNew();

        await client.SendAsync("4510-[\"sendMessage\"" + string.Concat(Enumerable.Range(0, 10).Select(i => $",{{\"_placeholder\":true,\"num\":{i}}}")) + "]");

        await client.WaitForCloseAsync();
        TestContext.Out.WriteLine($"closed {clock.ElapsedMilliseconds} ms after the text part; no attachment taken in");
        Assert.That(clock.ElapsedMilliseconds, Is.LessThan(AttachmentTimeoutMs), "at once, not at the attachment timeout");
        await AssertServerHealthyAsync();
    }

    [Test]
    public async Task StalledBinaryEventOfALoggedInSocketIsClosedAtTheAttachmentTimeout()
    {
        await using var client = await ConnectAsync(_token);
        var clock = Stopwatch.StartNew();

        await client.SendAsync("452-[\"sendMessage\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        await client.SendAsync(new byte[500_000]);

        await client.WaitForCloseAsync();
        TestContext.Out.WriteLine($"closed {clock.ElapsedMilliseconds} ms after the text part, holding 500,000 bytes until then");
        Assert.That(clock.ElapsedMilliseconds, Is.GreaterThanOrEqualTo(AttachmentTimeoutMs - 100));
        Assert.That(_logs.Entries.Where(e => e.Message.Contains("incomplete")).Select(e => e.Level), Is.EqualTo(new[] { LogLevel.Debug }));
        await AssertServerHealthyAsync();
    }

    /// <summary>
    /// Packets with an escaped lone surrogate (<c>\ud800</c>), which JavaScript can send and .NET cannot decode: the
    /// Socket.IO parser refuses every such string (<c>invalid string in payload</c>), so the connection closes with
    /// one Debug line, whichever value holds it — an event name, a room, a count, a client message id, a token, a
    /// recovery request: no handler ever reads such a string.
    /// </summary>
    [TestCase("421[\"\\ud800\",1]", TestName = "LoneSurrogateEventNameCostsOneDebugLine")]
    [TestCase("421[\"sendMessage\",{\"roomName\":\"\\ud800\",\"message\":\"hi\"}]", TestName = "LoneSurrogateRoomNameCostsOneDebugLine")]
    [TestCase("421[\"getRecentMessages\",{\"roomName\":\"{room}\",\"count\":\"\\ud800\"}]", TestName = "LoneSurrogateCountCostsOneDebugLine")]
    [TestCase("421[\"sendMessage\",{\"roomName\":\"{room}\",\"message\":\"hi\",\"clientMessageId\":\"\\ud800\"}]", TestName = "LoneSurrogateClientMessageIdCostsOneDebugLine")]
    public async Task LoneSurrogateInAnEventClosesOnlyThatConnection(string packet)
    {
        await using var client = await ConnectAsync(_token);
        await JoinAsync(client);
        _logs.Clear();

        await client.SendAsync(packet.Replace("{room}", _room));

        await client.WaitForCloseAsync();
        AssertAtMostOneQuietLine();
        await AssertServerHealthyAsync();
    }

    [TestCase("40{\"token\":\"\\ud800\"}", TestName = "LoneSurrogateTokenInTheAuthPayloadCostsOneDebugLine")]
    [TestCase("40{\"token\":\"{token}\",\"pid\":\"\\ud800\",\"offset\":\"\\udfff\"}", TestName = "LoneSurrogateRecoveryRequestCostsOneDebugLine")]
    public async Task LoneSurrogateInAConnectClosesOnlyThatConnection(string packet)
    {
        await using var client = await EngineWebSocketClient.ConnectAsync(WebSocketUri(), autoPong: true);
        Assert.That(await client.ReceiveTextAsync(), Does.StartWith("0{"));

        await client.SendAsync(packet.Replace("{token}", _token));

        await client.WaitForCloseAsync();
        AssertAtMostOneQuietLine();
        await AssertServerHealthyAsync();
    }

    /// <summary>ASP.NET Core's authentication handler logs two Information lines for any refused token; nothing more here.</summary>
    [Test]
    public async Task LoneSurrogateAlgorithmInAJwtHeaderIsA401()
    {
        string header = Base64Url("{\"alg\":\"\\ud800\",\"typ\":\"JWT\"}"u8.ToArray());
        string payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { sub = "1", email = "x@example.test", exp = TestTokens.Now + 600 }));

        using var response = await _server.Client.SendAsync(_server.Request(HttpMethod.Get, "/api/chat", $"{header}.{payload}.c2ln"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), Is.Not.Empty);
        AssertAtMostOneQuietLine(allowed: 2);
    }

    private SocketIOServer Io => _server.Services.GetRequiredService<SocketIOServer>();

    private Uri WebSocketUri() => new($"ws://{_server.BaseAddress.Authority}/socket.io/?EIO=4&transport=websocket");

    /// <summary>The Debug lines every connection gets (session opened and closed, chat socket connected and disconnected).</summary>
    private static readonly HashSet<int> LifecycleEvents = [1002, 1003, 3201, 3202];

    /// <summary>A client mistake is worth one line at most, below Warning and without a stack trace (besides the connection's own lifecycle lines).</summary>
    private void AssertAtMostOneQuietLine(int allowed = 1)
    {
        var lines = _logs.Entries.Where(e => e.Category.StartsWith("Fatechat", StringComparison.Ordinal) && !LifecycleEvents.Contains(e.EventId.Id)).ToList();
        TestContext.Out.WriteLine(string.Join("\n", lines));
        Assert.That(_logs.Entries.Where(e => e.Level >= LogLevel.Warning || e.Exception is not null), Is.Empty);
        Assert.That(lines, Has.Count.LessThanOrEqualTo(allowed));
        Assert.That(lines.Select(e => e.Level), Is.All.LessThanOrEqualTo(LogLevel.Information));
    }

    private async Task<EngineWebSocketClient> ConnectAsync(string token)
    {
        var client = await EngineWebSocketClient.ConnectAsync(WebSocketUri(), autoPong: true);
        Assert.That(await client.ReceiveTextAsync(), Does.StartWith("0{"));
        await client.SendAsync($"40{{\"token\":\"{token}\"}}");
        Assert.That(await ReceiveStartingWithAsync(client, "40"), Does.StartWith("40{\"sid\":"));
        return client;
    }

    private async Task JoinAsync(EngineWebSocketClient client)
    {
        await client.SendAsync($"4299[\"joinRoom\",{{\"roomName\":\"{_room}\"}}]");
        Assert.That(await ReceiveStartingWithAsync(client, "4399"), Does.Contain("\"ok\":true"));
    }

    private static async Task<string> ReceiveStartingWithAsync(EngineWebSocketClient client, string prefix)
    {
        while (true)
        {
            var message = await client.ReceiveAsync(TimeSpan.FromSeconds(10));
            Assert.That(message.IsClosed, Is.False, $"closed before {prefix}");
            if (message.Text is { } text && text.StartsWith(prefix, StringComparison.Ordinal))
            {
                return text;
            }
        }
    }

    private async Task AssertServerHealthyAsync()
    {
        await using var healthy = await ConnectAsync(_token);
        await healthy.SendAsync($"421[\"getOnlineUsers\",{{\"roomName\":\"{_room}\"}}]");
        Assert.That(await ReceiveStartingWithAsync(healthy, "431"), Does.Contain(_room));
        Assert.That(_logs.Entries.Where(e => e.Level >= LogLevel.Error), Is.Empty, string.Join("\n", _logs.Entries));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
