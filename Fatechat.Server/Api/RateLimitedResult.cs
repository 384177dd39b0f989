using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace Fatechat.Server.Api;

/// <summary>
/// A refusal by a rate limit: 429 with <c>Retry-After</c> in whole seconds and <c>{"error": "..."}</c>. Written the
/// same way whether the per-address middleware or a per-account check refused.
/// </summary>
internal sealed class RateLimitedResult(TimeSpan retryAfter) : IResult, IEndpointMetadataProvider
{
    public TimeSpan RetryAfter { get; } = retryAfter;

    /// <summary>Whole seconds, rounded up, at least 1: a client that waits this long has a token again.</summary>
    public static int Seconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    public Task ExecuteAsync(HttpContext context)
    {
        var seconds = Seconds(RetryAfter);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
        return context.Response.WriteAsJsonAsync(new ErrorResponse($"Too many attempts; try again in {seconds} s"));
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status429TooManyRequests, typeof(ErrorResponse), ["application/json"]));
}
