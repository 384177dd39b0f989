using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Fatechat.Server.Api;

/// <summary>
/// The REST API described for its tools: an OpenAPI document at <c>/openapi/v1.json</c> (Microsoft.AspNetCore.OpenApi)
/// with the bearer scheme on every endpoint that needs a token, and the errors each one answers. <c>/api.html</c>
/// renders it.
/// </summary>
internal static class OpenApiSetup
{
    public const string DocumentPath = "/openapi/v1.json";
    private const string BearerScheme = "bearer";

    public static IServiceCollection AddFatechatOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Fatechat REST API",
                    Version = "v1",
                    Description = "Register and log in for a token, then create and list chat rooms and read their history "
                        + "and private conversations. Real-time chat runs over Socket.IO at /socket.io/ (see the README's "
                        + "socket events). Every error is a JSON {\"error\": \"...\"}.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "The token from /api/register or /api/login, as \"Bearer <token>\" or the raw token.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                bool needsToken = context.Description.ActionDescriptor.EndpointMetadata
                    .OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any();
                if (needsToken)
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
                    });
                }

                return Task.CompletedTask;
            });
        });

    /// <summary>Errors every endpoint of a group may answer besides its own: 401 without a valid token.</summary>
    public static RouteGroupBuilder ProducesAuthErrors(this RouteGroupBuilder group) =>
        group.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ErrorResponse), ["application/json"]));

    /// <summary>Errors of an endpoint that reads a JSON body: 400 for malformed JSON, 415 for another content type.</summary>
    public static RouteHandlerBuilder ProducesBodyErrors(this RouteHandlerBuilder endpoint) => endpoint
        .Produces<ErrorResponse>(StatusCodes.Status400BadRequest, "application/json")
        .Produces<ErrorResponse>(StatusCodes.Status415UnsupportedMediaType, "application/json");
}
