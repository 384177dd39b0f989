using System.Collections.Concurrent;

namespace Fatechat.Bench.Ceiling;

/// The two REST calls the load generator makes before it connects, so it runs unchanged against every server.
internal static class StubRestApi
{
    private sealed record Credentials(string? Email, string? Password);
    private sealed record RoomRequest(string? Name);

    public static void MapStubRest(this WebApplication app)
    {
        var rooms = new ConcurrentDictionary<string, int>();
        app.MapPost("/api/register", (Credentials body) =>
            string.IsNullOrEmpty(body.Email)
                ? Results.Json(new { error = "email required" }, statusCode: 400)
                : Results.Json(new { token = BenchToken.For(body.Email) }));
        app.MapPost("/api/chat", (RoomRequest body) =>
        {
            if (string.IsNullOrEmpty(body.Name)) return Results.Json(new { error = "name required" }, statusCode: 400);
            if (!rooms.TryAdd(body.Name, rooms.Count + 1)) return Results.Json(new { error = "Room already exists" }, statusCode: 409);
            var now = DateTime.UtcNow;
            return Results.Json(new { id = rooms[body.Name], name = body.Name, createdAt = now, updatedAt = now });
        });
    }
}
