using System.Net;
using Fatechat.Tests.Interop;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Operations;

/// <summary>
/// <c>/metrics</c> of the real server (embedded defaults) scraped over HTTP before and after real socket.io-client
/// traffic (Operations/node/metrics-traffic.mjs): the named series exist and moved by at least what the traffic
/// caused. The instruments are per process and other fixtures may run beside this one, so counters are compared
/// as increases that are at least the traffic's, never as exact totals.
/// </summary>
[TestFixture]
public sealed class MetricsTests
{
    private const int Messages = 20;
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(90);

    [Test]
    public async Task TrafficMovesConnectionEventFanOutAndLatencySeries()
    {
        await using var server = await FatechatTestServer.StartAsync();
        var before = await ScrapeAsync(server);

        var result = await NodeScript.RunAsync(ScriptTimeout, "../../Operations/node/metrics-traffic.mjs", server.BaseAddress.ToString().TrimEnd('/'), Messages.ToString());
        Assert.That(result.GetProperty("delivered").GetInt32(), Is.EqualTo(Messages), "bob received every message");
        var connected = PrometheusScrape.Parse(result.GetProperty("connected").GetString()!);
        var closed = PrometheusScrape.Parse(result.GetProperty("closed").GetString()!);

        double Moved(string name, params (string, string)[] labels) => closed.Sum(name, labels) - before.Sum(name, labels);

        Assert.Multiple(() =>
        {
            Assert.That(connected.Sum("fatechat_engineio_connections", ("transport", "websocket")), Is.GreaterThanOrEqualTo(2),
                "both clients counted as open WebSocket sessions while connected");
            Assert.That(closed.Has("fatechat_engineio_connections", ("transport", "polling")), "the gauge has a polling series");
            Assert.That(Moved("fatechat_engineio_connections_opened_total", ("transport", "polling")), Is.GreaterThanOrEqualTo(1), "alice opened over polling");
            Assert.That(Moved("fatechat_engineio_connections_opened_total", ("transport", "websocket")), Is.GreaterThanOrEqualTo(1), "bob opened over WebSocket");
            Assert.That(Moved("fatechat_engineio_upgrades_total"), Is.GreaterThanOrEqualTo(1), "alice upgraded");
            Assert.That(Moved("fatechat_engineio_connections_closed_total", ("transport", "websocket"), ("reason", "transport close")), Is.GreaterThanOrEqualTo(2),
                "both closes, by transport and reason");

            Assert.That(Moved("fatechat_engineio_packets_received_total", ("transport", "websocket")), Is.GreaterThanOrEqualTo(Messages), "alice's sends came in");
            Assert.That(Moved("fatechat_engineio_packets_sent_total", ("transport", "websocket")), Is.GreaterThanOrEqualTo(2 * Messages + Messages),
                "each message went to both clients, and each send was acked");
            Assert.That(Moved("fatechat_socketio_events_received_total"), Is.GreaterThanOrEqualTo(Messages + 2), "two joins and the sends");

            Assert.That(Moved("fatechat_socketio_broadcast_recipients_count"), Is.GreaterThanOrEqualTo(Messages), "one broadcast per message");
            Assert.That(Moved("fatechat_socketio_broadcast_recipients_sum"), Is.GreaterThanOrEqualTo(2 * Messages), "two recipients each");
            Assert.That(closed.Has("fatechat_socketio_broadcast_recipients_bucket", ("le", "2")), "the fan-out histogram has its buckets");

            Assert.That(Moved("fatechat_message_delivery_latency_seconds_count", ("kind", "room")), Is.GreaterThanOrEqualTo(Messages),
                "every room message's publish-to-delivery time was recorded");
            Assert.That(closed.Has("fatechat_message_delivery_latency_seconds_bucket", ("kind", "room"), ("le", "0.1")), "the latency histogram has its buckets");

            Assert.That(Moved("dotnet_gc_heap_total_allocated_bytes_total"), Is.GreaterThan(0), "the runtime's meter: the traffic allocated");
            Assert.That(closed.Has("dotnet_gc_pause_time_seconds_total"), "the runtime's meter: GC pause time");
        });
        TestContext.Out.WriteLine(string.Join('\n', closed.Text.Split('\n').Where(l => l.StartsWith("fatechat_") && !l.Contains("_bucket"))));
    }

    [Test]
    public async Task MetricsCanBeTurnedOff()
    {
        await using var server = await FatechatTestServer.StartAsync("--Fatechat:Metrics:Enabled=false");
        using var response = await server.Client.GetAsync("/metrics").WithTimeout(TimeSpan.FromSeconds(10));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private static async Task<PrometheusScrape> ScrapeAsync(FatechatTestServer server)
    {
        using var response = await server.Client.GetAsync("/metrics").WithTimeout(TimeSpan.FromSeconds(10));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        return PrometheusScrape.Parse(await response.Content.ReadAsStringAsync());
    }
}
