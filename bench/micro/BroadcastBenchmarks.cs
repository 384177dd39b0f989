using BenchmarkDotNet.Attributes;
using Fatechat.Protocol.Diagnostics;
using Fatechat.Protocol.EngineIO;
using Fatechat.Protocol.SocketIO;
using Microsoft.AspNetCore.Http;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Fatechat.Bench.Micro;

/// <summary>
/// The outbound path: encode a <c>receiveMessage</c> once, then queue it to every socket of a room. The sockets
/// are real <see cref="SocketIOSocket"/>s on real <see cref="EngineConnection"/>s without a transport; each
/// benchmark drains the queues as a transport would, so the bounded queues never fill. With <see cref="Metrics"/>,
/// an OpenTelemetry meter provider listens to the protocol's meter, as the server's /metrics does: the cost of the
/// packets-sent counter per recipient and the fan-out histogram per broadcast.
/// </summary>
[MemoryDiagnoser]
public class BroadcastBenchmarks
{
    private const string Room = "room-1";

    private SocketIOServer _server = null!;
    private Namespace _namespace = null!;
    private EngineConnection[] _connections = [];
    private object?[] _args = [];
    private MeterProvider? _metrics;

    [Params(20)]
    public int RoomSize { get; set; }

    [Params(false, true)]
    public bool Metrics { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (Metrics)
        {
            _metrics = Sdk.CreateMeterProviderBuilder().AddMeter(ProtocolMetrics.MeterName)
                .AddReader(new BaseExportingMetricReader(new DiscardingExporter())).Build();
        }

        // Long timers: the heartbeat and the connect timeout must not close the connections mid-run.
        var options = new SocketIOOptions { ConnectTimeoutMs = int.MaxValue };
        options.Engine.PingIntervalMs = int.MaxValue / 1000;
        options.Engine.PingTimeoutMs = int.MaxValue / 1000;
        _server = new SocketIOServer(options);
        _namespace = _server.Sockets;
        _connections = new EngineConnection[RoomSize];
        for (int i = 0; i < RoomSize; i++)
        {
            var handshake = new EngineHandshake(new DefaultHttpContext(), DateTimeOffset.UtcNow);
            EngineConnection connection = _server.Engine.Open(handshake, EngineConnection.WebSocketName);
            var socket = new SocketIOSocket(_namespace, (SocketIOClient)connection.Handler!, new SocketIOHandshake(handshake, null));
            socket.Join(Room);
            _connections[i] = connection;
        }

        _args = [new ReceiveMessage(Room, "hello world", "alice@example.com", false, "01JDQ3ZK8V7B9X2M4N6P8R0T2W", new DateTime(2026, 11, 28, 4, 0, 0, DateTimeKind.Utc))];

        // A benchmark that reaches fewer sockets than the room holds would measure nothing useful.
        if (EncodeOnceAndBroadcast() != RoomSize || ToRoomEmit() != RoomSize)
        {
            throw new InvalidOperationException("the broadcast did not reach every socket of the room");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _server.Dispose();
        _metrics?.Dispose();
    }

    [Benchmark]
    public OutboundFrame EncodeEvent() =>
        SocketIOPacketEncoder.EncodeEvent(_namespace.Name, "receiveMessage", _args, -1, _server.Json);

    /// <summary>What <c>io.To(room).Emit(...)</c> does after selecting the room, plus the transports' dequeue.</summary>
    [Benchmark]
    public int EncodeOnceAndBroadcast()
    {
        OutboundFrame frame = SocketIOPacketEncoder.EncodeEvent(_namespace.Name, "receiveMessage", _args, -1, _server.Json);
        int sent = _namespace.Adapter.Broadcast(frame, new BroadcastTarget([Room], [], null));
        Drain();
        return sent;
    }

    /// <summary>The full public path, including the <see cref="BroadcastOperator"/> selection arrays.</summary>
    [Benchmark]
    public int ToRoomEmit()
    {
        int sent = _namespace.To(Room).Emit("receiveMessage", _args);
        Drain();
        return sent;
    }

    private void Drain()
    {
        foreach (EngineConnection connection in _connections)
        {
            while (connection.Outbound.TryRead(out _))
            {
            }
        }
    }
}

/// <summary>Collects like Prometheus' exporter would on a scrape, and keeps nothing.</summary>
internal sealed class DiscardingExporter : BaseExporter<Metric>
{
    public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
}

/// <summary>The server's receiveMessage payload shape (Fatechat.Server's ReceiveMessagePayload), camelCased by the default options.</summary>
public sealed record ReceiveMessage(string RoomName, string MessageText, string UserMail, bool IsEvent, string Id, DateTime CreatedAt);
