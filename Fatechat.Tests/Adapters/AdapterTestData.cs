using Fatechat.Server.Chat;
using Fatechat.Server.Messaging;
using Fatechat.Server.Private;

namespace Fatechat.Tests.Adapters;

/// <summary>
/// Unique names per test, so the contracts also run against a shared MySQL or Redis that other tests (and other
/// runs) write to.
/// </summary>
internal static class AdapterTestData
{
    private static readonly MessageIdGenerator Ids = new(TimeProvider.System);

    public static string Email(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.test";

    public static string RoomName() => "room-" + Guid.NewGuid().ToString("N");

    public static DateTime NowMs()
    {
        var ticks = DateTime.UtcNow.Ticks;
        return new DateTime(ticks - ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }

    public static ChatMessage Message(string room, string text = "hello", bool isEvent = false, string? sender = null)
    {
        var id = Ids.NewId(out var createdAt);
        return new ChatMessage(id, room, text, sender ?? "sender@example.test", isEvent, createdAt);
    }

    public static PrivateMessage Private(string from, string to, string text = "psst")
    {
        var id = Ids.NewId(out var createdAt);
        return new PrivateMessage(id, from, to, text, createdAt);
    }
}
