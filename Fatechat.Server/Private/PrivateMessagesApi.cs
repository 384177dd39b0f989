using Fatechat.Server.Api;
using Fatechat.Server.Auth;
using Fatechat.Server.Messaging;
using Fatechat.Server.Options;
using Fatechat.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using System.Security.Claims;

namespace Fatechat.Server.Private;

/// <summary>
/// <c>GET /api/private</c>: the caller's conversations, most recent first; <c>GET /api/private/{email}/messages</c>:
/// the caller's conversation with one user. Token required.
/// </summary>
internal static class PrivateMessagesApi
{
    public static RouteGroupBuilder MapPrivateMessages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/private").WithTags("Private messages").RequireAuthorization().ProducesAuthErrors();
        group.MapGet("/", ListConversationsAsync)
            .WithSummary("The caller's private conversations, most recent first")
            .WithDescription("Each with the other person and the latest message; limit as for history.");
        group.MapGet("/{email}/messages", GetConversationAsync)
            .WithSummary("The caller's conversation with one user, newest first")
            .WithDescription("Both directions; pages with before and limit; 404 for an unknown user.");
        return group;
    }

    private static async Task<Results<Ok<List<ConversationResponse>>, BadRequest<ErrorResponse>>> ListConversationsAsync(
        string? limit,
        ClaimsPrincipal principal,
        IMessageRepository messages,
        IChatBus bus,
        IOptions<ChatOptions> options,
        CancellationToken cancellationToken)
    {
        if (!PageQuery.TryParse(before: null, limit, options.Value, out var page, out var problem))
        {
            return TypedResults.BadRequest(new ErrorResponse(problem!));
        }

        var caller = ChatUser.FromPrincipal(principal);
        await bus.WaitForStorageAsync(cancellationToken);
        var latest = await messages.ListConversationsAsync(caller.Email, page.Limit, cancellationToken);
        return TypedResults.Ok(latest.Select(m => ConversationResponse.Of(caller.Email, m)).ToList());
    }

    private static async Task<Results<Ok<List<PrivateMessageResponse>>, BadRequest<ErrorResponse>, NotFound<ErrorResponse>>> GetConversationAsync(
        string email,
        string? before,
        string? limit,
        ClaimsPrincipal principal,
        IUserRepository users,
        IMessageRepository messages,
        IChatBus bus,
        IOptions<ChatOptions> options,
        CancellationToken cancellationToken)
    {
        if (await users.FindByEmailAsync(email.Trim().ToLowerInvariant(), cancellationToken) is not { } other)
        {
            return TypedResults.NotFound(new ErrorResponse("User not found"));
        }

        if (!PageQuery.TryParse(before, limit, options.Value, out var page, out var problem))
        {
            return TypedResults.BadRequest(new ErrorResponse(problem!));
        }

        var caller = ChatUser.FromPrincipal(principal);
        await bus.WaitForStorageAsync(cancellationToken);
        var conversation = await messages.GetConversationAsync(caller.Email, other.Email, page.BeforeId, page.Limit, cancellationToken);
        return TypedResults.Ok(conversation.Select(PrivateMessageResponse.Of).ToList());
    }
}
