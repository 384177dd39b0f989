using System.Diagnostics.Metrics;
using Fatechat.Protocol.EngineIO;

namespace Fatechat.Protocol.Diagnostics;

/// <summary>
/// The protocol's instruments, on the <see cref="System.Diagnostics.Metrics"/> meter <see cref="MeterName"/>: an
/// app exports them with any listener (OpenTelemetry, <c>dotnet-counters</c>) and the protocol depends on none.
/// Every tag value is a constant string (a transport or close-reason name), so that a recording allocates nothing;
/// with no listener, a recording costs a field check.
/// </summary>
public static class ProtocolMetrics
{
    /// <summary>The name of the meter to listen to.</summary>
    public const string MeterName = "Fatechat.Protocol";

    private const string TransportTag = "transport";

    private static readonly Meter Meter = new(MeterName);
    private static readonly List<WeakReference<EngineIOServer>> Servers = [];

    private static readonly Counter<long> Opened = Meter.CreateCounter<long>(
        "fatechat.engineio.connections.opened", "{connection}", "Engine.IO sessions opened, by the transport they opened on");

    private static readonly Counter<long> Closed = Meter.CreateCounter<long>(
        "fatechat.engineio.connections.closed", "{connection}", "Engine.IO sessions closed, by transport and close reason");

    private static readonly Counter<long> Upgrades = Meter.CreateCounter<long>(
        "fatechat.engineio.upgrades", "{upgrade}", "Polling sessions upgraded to WebSocket");

    // Packets are counted once per packet and recipient, on the broadcast's path: plain interlocked counts, read when
    // scraped, rather than a Counter<T>.Add per packet through the listener's aggregation.
    private static long s_pollingReceived, s_websocketReceived, s_pollingSent, s_websocketSent;

    private static readonly Counter<long> EventsReceived = Meter.CreateCounter<long>(
        "fatechat.socketio.events.received", "{event}", "Socket.IO events received that had a handler");

    private static readonly Histogram<int> BroadcastRecipients = Meter.CreateHistogram(
        "fatechat.socketio.broadcast.recipients", "{socket}", "Local sockets one broadcast was queued to",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000] });

    static ProtocolMetrics()
    {
        Meter.CreateObservableUpDownCounter("fatechat.engineio.connections", ObserveOpenConnections, "{connection}",
            "Engine.IO sessions open now, by transport");
        Meter.CreateObservableCounter("fatechat.engineio.packets.received", () => ByTransport(ref s_pollingReceived, ref s_websocketReceived),
            "{packet}", "Engine.IO packets received from clients, by transport");
        Meter.CreateObservableCounter("fatechat.engineio.packets.sent", () => ByTransport(ref s_pollingSent, ref s_websocketSent),
            "{packet}", "Engine.IO packets queued for clients (pings and broadcasts included), by transport");
    }

    internal static void ConnectionOpened(EngineConnection connection) => Opened.Add(1, Transport(connection.Transport));

    internal static void ConnectionClosed(EngineConnection connection, string reason) =>
        Closed.Add(1, Transport(connection.Transport), new KeyValuePair<string, object?>("reason", reason));

    internal static void Upgraded() => Upgrades.Add(1);

    internal static void PacketReceived(string transport) =>
        Interlocked.Increment(ref transport == EngineConnection.PollingName ? ref s_pollingReceived : ref s_websocketReceived);

    internal static void PacketSent(string transport) =>
        Interlocked.Increment(ref transport == EngineConnection.PollingName ? ref s_pollingSent : ref s_websocketSent);

    internal static void EventReceived() => EventsReceived.Add(1);

    internal static void Broadcast(int recipients) => BroadcastRecipients.Record(recipients);

    /// <summary>The current-connections gauge counts the sessions of the servers tracked here when it is read, not on every open and close.</summary>
    internal static void Track(EngineIOServer server)
    {
        lock (Servers)
        {
            Servers.RemoveAll(r => !r.TryGetTarget(out _));
            Servers.Add(new WeakReference<EngineIOServer>(server));
        }
    }

    internal static void Untrack(EngineIOServer server)
    {
        lock (Servers)
        {
            Servers.RemoveAll(r => !r.TryGetTarget(out var s) || s == server);
        }
    }

    private static KeyValuePair<string, object?> Transport(string transport) => new(TransportTag, transport);

    private static Measurement<long>[] ByTransport(ref long polling, ref long websocket) =>
    [
        new(Volatile.Read(ref polling), Transport(EngineConnection.PollingName)),
        new(Volatile.Read(ref websocket), Transport(EngineConnection.WebSocketName)),
    ];

    /// <summary>
    /// Counted when read (a scrape every few seconds) rather than kept by +1/−1 on open, upgrade and close: a close
    /// racing an upgrade cannot leave the count off by one, and the hot path pays nothing.
    /// </summary>
    private static IEnumerable<Measurement<int>> ObserveOpenConnections()
    {
        int polling = 0, websocket = 0;
        lock (Servers)
        {
            foreach (var reference in Servers)
            {
                if (reference.TryGetTarget(out var server))
                {
                    server.CountOpenConnections(ref polling, ref websocket);
                }
            }
        }

        return
        [
            new Measurement<int>(polling, Transport(EngineConnection.PollingName)),
            new Measurement<int>(websocket, Transport(EngineConnection.WebSocketName)),
        ];
    }
}
