namespace Fatechat.Server.Hosting;

internal static class HealthApi
{
    /// <summary><c>GET /health</c>: 200 "ok" once the server accepts requests (the Docker health check polls it).</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Text("ok")).WithTags("Operations").WithSummary("200 \"ok\" once the server takes requests");
        return app;
    }
}
