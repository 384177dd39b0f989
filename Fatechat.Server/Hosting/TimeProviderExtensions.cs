namespace Fatechat.Server.Hosting;

internal static class TimeProviderExtensions
{
    /// <summary>UTC now, cut to whole milliseconds: what every store keeps, so a value reads back unchanged.</summary>
    public static DateTime UtcNowMilliseconds(this TimeProvider time)
    {
        var ticks = time.GetUtcNow().UtcTicks;
        return new DateTime(ticks - ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }
}
