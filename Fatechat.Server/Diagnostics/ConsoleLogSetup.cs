using Microsoft.Extensions.Logging.Console;

namespace Fatechat.Server.Diagnostics;

internal static class ConsoleLogSetup
{
    /// <summary>Round-trippable UTC, e.g. <c>2026-11-28T14:03:07.512Z</c>.</summary>
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>
    /// <c>Logging:Console:FormatterName=json</c> (what the image sets) writes one JSON object per line; with this
    /// it also carries a UTC ISO-8601 <c>Timestamp</c> and the scopes (<c>sid</c>, <c>socketId</c>, <c>user</c>,
    /// <c>room</c>) without further settings. <c>Logging:Console:FormatterOptions</c> still overrides each of them;
    /// the plain-text formatter of <c>dotnet run</c> is left as it is.
    /// </summary>
    public static WebApplicationBuilder AddFatechatConsoleLogging(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetSection("Logging:Console:FormatterOptions");
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.TimestampFormat = TimestampFormat;
            o.UseUtcTimestamp = true;
            o.IncludeScopes = true;
            configured.Bind(o);
        });
        return builder;
    }
}
