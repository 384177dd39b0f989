using Fatechat.Server.Api;
using Fatechat.Server.Chat;
using Fatechat.Server.Hosting;
using Fatechat.Server.Options;
using Fatechat.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Rooms;

/// <summary><c>/api/chat</c>: create and list rooms, read a room's history. Token required.</summary>
internal static class RoomsApi
{
    public static RouteGroupBuilder MapRooms(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/chat").WithTags("Rooms").RequireAuthorization().ProducesAuthErrors();
        group.MapPost("/", CreateAsync).ProducesBodyErrors()
            .WithSummary("Create a chat room").WithDescription("400 for an empty or too long name, 409 when it is taken.");
        group.MapGet("/", ListAsync).WithSummary("List every chat room");
        group.MapGet("/{id}/messages", GetMessagesAsync)
            .WithSummary("A room's messages, newest first")
            .WithDescription("Pages with before={message id} and limit (default 20, at most 100); 404 for an unknown room.");
        return group;
    }

    private static async Task<Results<Ok<RoomResponse>, BadRequest<ErrorResponse>, Conflict<ErrorResponse>>> CreateAsync(
        CreateRoomRequest body,
        IRoomRepository rooms,
        IOptions<ChatOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (body.Validate(options.Value) is { } problem)
        {
            return TypedResults.BadRequest(new ErrorResponse(problem));
        }

        var room = await rooms.TryCreateAsync(body.TrimmedName, time.UtcNowMilliseconds(), cancellationToken);
        return room is null
            ? TypedResults.Conflict(new ErrorResponse("Chat room already exists"))
            : TypedResults.Ok(RoomResponse.From(room));
    }

    private static async Task<Ok<List<RoomResponse>>> ListAsync(IRoomRepository rooms, CancellationToken cancellationToken)
    {
        var all = await rooms.ListAsync(cancellationToken);
        return TypedResults.Ok(all.Select(RoomResponse.From).ToList());
    }

    /// <summary>The room's messages, newest first; <c>id</c> is matched as text so that <c>/api/chat/abc/messages</c> is a 404, not a 500.</summary>
    private static async Task<Results<Ok<List<MessageResponse>>, BadRequest<ErrorResponse>, NotFound<ErrorResponse>>> GetMessagesAsync(
        string id,
        string? before,
        string? limit,
        IRoomRepository rooms,
        RoomHistory history,
        IOptions<ChatOptions> options,
        CancellationToken cancellationToken)
    {
        if (!long.TryParse(id, out var roomId) || await rooms.FindByIdAsync(roomId, cancellationToken) is not { } room)
        {
            return TypedResults.NotFound(new ErrorResponse("Chat room not found"));
        }

        if (!PageQuery.TryParse(before, limit, options.Value, out var page, out var problem))
        {
            return TypedResults.BadRequest(new ErrorResponse(problem!));
        }

        var messages = await history.GetPageAsync(room.Name, page.BeforeId, page.Limit, cancellationToken);
        return TypedResults.Ok(messages.Select(MessageResponse.From).ToList());
    }
}
