using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Fatechat.Server.Api;

/// <summary>Turns every REST failure into <c>{"error":"..."}</c> with the right status; user errors never become 500s.</summary>
internal static class ApiErrorHandling
{
    public static IServiceCollection AddApiErrorHandling(this IServiceCollection services)
    {
        // Without this, a body that fails to bind gets an empty 400 in Production; thrown, it reaches the mapping below.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    public static WebApplication UseApiErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler(errorApp => errorApp.Run(context =>
        {
            if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error is { } error)
            {
                Diagnostics.BackendFailures.CountEscaped(error);
            }

            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return context.Response.WriteAsJsonAsync(new ErrorResponse("Internal Server Error"));
        }));

        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                context.Response.Clear();
                context.Response.StatusCode = e.StatusCode;
                await context.Response.WriteAsJsonAsync(new ErrorResponse(Describe(e)));
            }
        });

        // Answers that carry no body (405 from routing, 401 from a bare challenge) get one under /api.
        app.UseStatusCodePages(context =>
        {
            var http = context.HttpContext;
            if (!http.Request.Path.StartsWithSegments("/api"))
            {
                return Task.CompletedTask;
            }

            var reason = ReasonPhrases.GetReasonPhrase(http.Response.StatusCode);
            return http.Response.WriteAsJsonAsync(new ErrorResponse(reason));
        });
        return app;
    }

    /// <summary>
    /// 404 in JSON for an /api path that no endpoint serves. A middleware rather than MapFallback: a fallback
    /// endpoint would also win over routing's own 405 and 415 answers (wrong method, wrong Content-Type).
    /// </summary>
    public static WebApplication UseApiNotFound(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (context.GetEndpoint() is null && context.Request.Path.StartsWithSegments("/api"))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return context.Response.WriteAsJsonAsync(new ErrorResponse("Not found"));
            }

            return next(context);
        });
        return app;
    }

    private static string Describe(BadHttpRequestException e) => e switch
    {
        { StatusCode: StatusCodes.Status415UnsupportedMediaType } => "Content-Type must be application/json",
        { StatusCode: StatusCodes.Status413PayloadTooLarge } => "Request body too large",
        { InnerException: JsonException } => "Malformed JSON body",
        _ when e.Message.Contains("body", StringComparison.OrdinalIgnoreCase) => "A JSON body is required",
        _ => "Bad request",
    };
}
