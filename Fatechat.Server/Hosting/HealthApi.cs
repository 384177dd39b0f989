using System.Text.Json.Serialization;

namespace Fatechat.Server.Hosting;

internal static class HealthApi
{
    /// <summary>How long one backend may take to answer <c>/ready</c> before it counts as unreachable.</summary>
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// <c>GET /health</c>: 200 "ok" while the process serves requests (liveness; the Docker health check polls it).
    /// <c>GET /ready</c>: 200 when every configured backend answers, else 503 naming the ones that do not
    /// (readiness: a balancer or orchestrator sends no traffic to that node meanwhile).
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Text("ok")).WithTags("Operations").WithSummary("200 \"ok\" once the server takes requests");
        app.MapGet("/ready", ReadyAsync).WithTags("Operations")
            .WithSummary("200 when every configured backend (storage, Redis, Kafka) answers, else 503 naming those that do not");
        return app;
    }

    private static async Task<IResult> ReadyAsync(IEnumerable<IReadinessCheck> checks, CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(checks.Select(check => RunAsync(check, cancellationToken)));
        var answer = new ReadinessResponse(
            results.All(r => r.Problem is null) ? "ready" : "not ready",
            results.ToDictionary(r => r.Name, r => r.Problem ?? "ok"));
        var failing = results.Where(r => r.Problem is not null).Select(r => r.Name).ToArray();
        return failing.Length == 0
            ? TypedResults.Ok(answer)
            : TypedResults.Json(answer with { Error = $"not ready: {string.Join(", ", failing)}" }, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<(string Name, string? Problem)> RunAsync(IReadinessCheck check, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            await check.CheckAsync(timeout.Token).WaitAsync(timeout.Token);
            return (check.Name, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (check.Name, $"no answer within {CheckTimeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (check.Name, StartupFailure.Describe(e));
        }
    }
}

/// <summary>The answer of <c>/ready</c>: each backend's "ok" or what went wrong; <c>error</c> when not ready.</summary>
internal sealed record ReadinessResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("checks")] IReadOnlyDictionary<string, string> Checks)
{
    [JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }
}
