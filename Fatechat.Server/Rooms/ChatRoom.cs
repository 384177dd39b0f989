namespace Fatechat.Server.Rooms;

public sealed record ChatRoom(long Id, string Name, DateTime CreatedAt, DateTime UpdatedAt);
