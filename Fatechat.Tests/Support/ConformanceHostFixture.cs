using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Fatechat.Conformance;
using Fatechat.Protocol.EngineIO;
using Fatechat.Protocol.SocketIO;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fatechat.Tests.Support;

/// <summary>
/// Base of the fixtures that talk to a live <see cref="ConformanceHost"/> on real Kestrel: one host per fixture on
/// 127.0.0.1 and a free port, raw clients for both endpoints, the server's logs and the reason each Socket.IO
/// socket of the main namespace disconnected for.
/// </summary>
public abstract class ConformanceHostFixture(EntryPath entryPath = EntryPath.Connection)
{
    public const string EngineIOPath = "/engine.io/";
    public const string SocketIOPath = "/socket.io/";
    public const int PingIntervalMs = ConformanceHost.PingIntervalMs;
    public const int PingTimeoutMs = ConformanceHost.PingTimeoutMs;
    public const int MaxPayload = 1_000_000;

    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _disconnects = new(StringComparer.Ordinal);
    private WebApplication? _app;

    protected Uri BaseUri { get; private set; } = null!;
    protected HttpClient Http { get; private set; } = null!;
    protected SocketIOServer Io { get; private set; } = null!;

    /// <summary>The bare Engine.IO echo at <see cref="EngineIOPath"/>.</summary>
    protected EngineIOServer EchoEngine { get; private set; } = null!;
    protected CapturedLogs Logs { get; } = new();

    /// <summary>The door this fixture's host serves WebSockets through.</summary>
    protected EntryPath EntryPath { get; } = entryPath;

    [OneTimeSetUp]
    public async Task StartHostAsync()
    {
        // The port is free when picked but another process may take it before Kestrel binds: try a few.
        for (int attempt = 1; ; attempt++)
        {
            int port = FreePort.Next();
            var app = ConformanceHost.Build($"http://127.0.0.1:{port}", connectionDoor: EntryPath == EntryPath.Connection, configure: Configure);
            try
            {
                await app.StartAsync().WithTimeout(TimeSpan.FromSeconds(30));
                _app = app;
                BaseUri = new Uri($"http://127.0.0.1:{port}");
                break;
            }
            catch (IOException) when (attempt < 5)
            {
                await app.DisposeAsync();
            }
        }

        _app.Services.GetRequiredService<ILoggerFactory>().AddProvider(Logs);
        Io = _app.Services.GetRequiredService<SocketIOServer>();
        EchoEngine = _app.Services.GetRequiredService<EngineIOServer>();
        Io.OnConnection(socket => socket.OnDisconnect(reason => DisconnectOf(socket.Id).TrySetResult(reason)));
        Http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    [OneTimeTearDown]
    public async Task StopHostAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync().WithTimeout(TimeSpan.FromSeconds(30));
            Io.Dispose(); // owned by the host's container too; disposing twice is harmless
            EchoEngine.Dispose();
            await _app.DisposeAsync();
        }
    }

    protected EnginePollingClient EnginePolling => new(Http, BaseUri, EngineIOPath);

    protected EnginePollingClient SocketIOPolling => new(Http, BaseUri, SocketIOPath);

    protected Uri WebSocketUri(string path, string query = "EIO=4&transport=websocket") =>
        new($"ws://{BaseUri.Authority}{path}?{query}");

    protected Uri UpgradeUri(string path, string sid) =>
        WebSocketUri(path, $"EIO=4&transport=websocket&sid={Uri.EscapeDataString(sid)}");

    /// <summary>Changes to the host's Socket.IO settings; none by default (the conformance suites' values).</summary>
    protected virtual void Configure(SocketIOOptions options)
    {
    }

    /// <summary>Why the server-side socket <paramref name="socketId"/> of the main namespace disconnected.</summary>
    protected Task<string> DisconnectReasonAsync(string socketId) => DisconnectOf(socketId).Task.WithTimeout();

    /// <summary>
    /// A WebSocket client connected to the main namespace (<c>40</c> answered by <c>40{"sid"}</c>, then the host's
    /// <c>auth</c> event), with its Socket.IO socket id.
    /// </summary>
    protected async Task<(EngineWebSocketClient Client, string SocketId)> ConnectSocketIOAsync(bool autoPong = true)
    {
        var client = await EngineWebSocketClient.ConnectAsync(WebSocketUri(SocketIOPath), autoPong);
        string open = await client.ReceiveTextAsync();
        Assert.That(open, Does.StartWith("0{"));
        await client.SendAsync("40");
        string connect = await client.ReceiveTextAsync();
        Assert.That(connect, Does.StartWith("40{"));
        using var payload = JsonDocument.Parse(connect[2..]);
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("42[\"auth\",{}]"));
        return (client, payload.RootElement.GetProperty("sid").GetString()!);
    }

    /// <summary>A WebSocket client connected to namespace <paramref name="nsp"/>, with its Socket.IO socket id.</summary>
    protected async Task<(EngineWebSocketClient Client, string SocketId)> ConnectNamespaceAsync(string nsp)
    {
        var client = await EngineWebSocketClient.ConnectAsync(WebSocketUri(SocketIOPath), autoPong: true);
        Assert.That(await client.ReceiveTextAsync(), Does.StartWith("0{"));
        await client.SendAsync($"40{nsp},");
        string connect = (await client.ReceiveSkippingPingsAsync(1))[0].Text!;
        Assert.That(connect, Does.StartWith($"40{nsp},{{\"sid\":\""));
        string socketId = connect[(connect.IndexOf(":\"", StringComparison.Ordinal) + 2)..connect.LastIndexOf('"')];
        return (client, socketId);
    }

    /// <summary>
    /// A polling session joined to the main namespace, with its sid and Socket.IO socket id, once the CONNECT reply
    /// and the host's <c>auth</c> event (sent <see cref="ConformanceHost.AuthDelayMs"/> later, so usually in a
    /// second GET) have both been polled: the next GET carries only what the test causes.
    /// </summary>
    protected async Task<(string Sid, string SocketId)> ConnectSocketIOPollingAsync()
    {
        string sid = await SocketIOPolling.OpenAsync();
        Assert.That(await SocketIOPolling.PushAsync(sid, "40"), Is.EqualTo((HttpStatusCode.OK, "ok")));
        var records = new List<string>();
        while (!records.Contains("42[\"auth\",{}]"))
        {
            var (status, body) = await SocketIOPolling.PollAsync(sid);
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
            records.AddRange(body.Split('\u001e'));
        }

        Assert.That(records[0], Does.StartWith("40{"));
        using var payload = JsonDocument.Parse(records[0][2..]);
        return (sid, payload.RootElement.GetProperty("sid").GetString()!);
    }

    /// <summary>The host echoes <c>message</c> as <c>message-back</c>: proof that a connection still works.</summary>
    protected static async Task AssertEchoAnsweredAsync(EngineWebSocketClient client, string text)
    {
        await client.SendAsync($"42[\"message\",\"{text}\"]");
        var reply = await client.ReceiveSkippingPingsAsync(1);
        Assert.That(reply[0].Text, Is.EqualTo($"42[\"message-back\",\"{text}\"]"));
    }

    /// <summary>
    /// After a client misbehaved: a connection opened before it still gets its echo, a new one can connect and does
    /// too, and nothing was logged at Error.
    /// </summary>
    protected async Task AssertServerHealthyAsync(EngineWebSocketClient healthy)
    {
        await AssertEchoAnsweredAsync(healthy, "still-alive");
        var (fresh, _) = await ConnectSocketIOAsync();
        await using (fresh)
        {
            await AssertEchoAnsweredAsync(fresh, "new-connection");
        }

        Assert.That(Logs.Errors, Is.Empty, string.Join("\n", Logs.Errors));
    }

    private TaskCompletionSource<string> DisconnectOf(string socketId) =>
        _disconnects.GetOrAdd(socketId, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
}
