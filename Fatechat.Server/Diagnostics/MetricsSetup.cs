using Fatechat.Protocol.Diagnostics;
using Fatechat.Server.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Fatechat.Server.Diagnostics;

internal static class MetricsSetup
{
    public const string Path = "/metrics";

    /// <summary>
    /// OpenTelemetry's meter provider over the protocol's and the app's meters, read by the Prometheus exporter;
    /// nothing when <c>Fatechat:Metrics:Enabled</c> is false, so that no listener makes the instruments record.
    /// </summary>
    public static IServiceCollection AddFatechatMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section);
        if (!IsEnabled(configuration))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("fatechat"))
            .WithMetrics(metrics => metrics
            // "System.Runtime": the runtime's own meter (GC collections and pause time, heap, thread pool, CPU).
            .AddMeter(ProtocolMetrics.MeterName, ServerMetrics.MeterName, "System.Runtime")
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    /// <summary>
    /// <c>GET /metrics</c> in the Prometheus text format. It needs no token, like <c>/health</c>: publish it only on
    /// an internal network (docs/metrics.md).
    /// </summary>
    public static WebApplication MapFatechatMetrics(this WebApplication app)
    {
        if (IsEnabled(app.Configuration))
        {
            app.MapPrometheusScrapingEndpoint(Path).WithTags("Operations").WithSummary("Prometheus metrics (docs/metrics.md)");
        }

        return app;
    }

    private static bool IsEnabled(IConfiguration configuration) =>
        (configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new()).Enabled;
}
