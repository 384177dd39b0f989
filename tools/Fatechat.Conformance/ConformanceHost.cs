using Fatechat.Protocol.EngineIO;
using Fatechat.Protocol.Hosting;
using Fatechat.Protocol.SocketIO;

namespace Fatechat.Conformance;

/// <summary>
/// The server the Socket.IO project's public conformance suites expect: Socket.IO at <c>/socket.io/</c>
/// (namespaces <c>/</c> and <c>/custom</c>) and a bare Engine.IO echo at <c>/engine.io/</c>, with
/// pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1000000, connectTimeout 1000 ms and CORS origin <c>*</c>.
/// </summary>
public static class ConformanceHost
{
    public const int PingIntervalMs = 300;
    public const int PingTimeoutMs = 200;

    /// <summary>
    /// How long a connection handler waits before it emits <c>auth</c>. The suites' client (<c>ws</c> 8.5) emits
    /// every frame of one TCP read at once, and a test adds its next listener only after its <c>await</c>: a frame
    /// that shares a read with the CONNECT reply is lost. Frames written a few microseconds apart share one read
    /// (Node's reference server, which writes them one event-loop turn apart, loses this race too on a busy
    /// machine); a pause of milliseconds lets the client read the reply alone.
    /// </summary>
    public const int AuthDelayMs = 10;

    /// <param name="url">Where to listen.</param>
    /// <param name="args">Host arguments.</param>
    /// <param name="connectionDoor">
    /// Serve WebSockets from Kestrel connection middleware, as Fatechat.Server does (the default); false leaves every
    /// request to the HTTP layer, so that the suites can run against both doors.
    /// </param>
    /// <param name="configure">Changes to the Socket.IO settings above, for tests of other bounds than the suites'.</param>
    public static WebApplication Build(string url, string[]? args = null, bool connectionDoor = true, Action<SocketIOOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        builder.WebHost.UseUrls(url);
        if (connectionDoor)
        {
            builder.WebHost.UseSocketIOWebSockets();
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSocketIO(options =>
        {
            options.Engine = Heartbeat("/socket.io/");
            options.ConnectTimeoutMs = 1000;
            configure?.Invoke(options);
        });
        builder.Services.AddSingleton(provider => new EngineIOServer(
            Heartbeat("/engine.io/"), _ => new EchoHandler(), logger: provider.GetRequiredService<ILogger<EchoHandler>>()));

        var app = builder.Build();
        app.MapSocketIO();
        app.MapEngineIO(app.Services.GetRequiredService<EngineIOServer>());

        var io = app.Services.GetRequiredService<SocketIOServer>();
        io.OnConnection(async socket =>
        {
            socket.On("message", (args, _) => socket.Emit("message-back", args));
            socket.On("message-with-ack", (args, ack) => ack?.Send(args));
            await EmitAuthAsync(socket);
        });
        io.Of("/custom").OnConnection(EmitAuthAsync);
        return app;
    }

    /// <summary>
    /// The suites' <c>socket.emit("auth", socket.handshake.auth)</c>, after <see cref="AuthDelayMs"/>. The socket's
    /// events wait for its connection handlers (ordered dispatch), so no reply can overtake the <c>auth</c> event.
    /// </summary>
    private static async Task EmitAuthAsync(SocketIOSocket socket)
    {
        await Task.Delay(AuthDelayMs);
        socket.Emit("auth", socket.Handshake.Auth);
    }

    private static EngineIOOptions Heartbeat(string path) => new()
    {
        Path = path,
        PingIntervalMs = PingIntervalMs,
        PingTimeoutMs = PingTimeoutMs,
        MaxPayload = 1_000_000,
        Cors = new EngineIOCorsOptions { Origins = ["*"] },
    };

    /// <summary>Echoes every message packet, text or binary, to its sender.</summary>
    private sealed class EchoHandler : IEngineConnectionHandler
    {
        public void OnMessage(EngineConnection connection, ReadOnlyMemory<byte> data, bool isBinary)
        {
            if (isBinary)
            {
                connection.Send(OutboundFrame.Binary(data.ToArray()));
                return;
            }

            byte[] frame = new byte[data.Length + 1];
            frame[0] = (byte)EnginePacketType.Message;
            data.Span.CopyTo(frame.AsSpan(1));
            connection.Send(OutboundFrame.Text(frame));
        }

        public void OnClose(EngineConnection connection, string reason)
        {
        }
    }
}
