namespace Fatechat.Server.Options;

/// <summary>The <c>Fatechat:Metrics</c> section: the Prometheus endpoint.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Fatechat:Metrics";

    /// <summary>Serve <c>GET /metrics</c> (Prometheus text format). Off, the path is not mapped and nothing listens to the meters.</summary>
    public bool Enabled { get; set; } = true;
}
