namespace Fatechat.Server.Chat;

/// <summary>
/// One room message, user-written or an event such as "x joined the room". The id is a ULID stamped by the node
/// that accepted it (see <see cref="Messaging.MessageIdGenerator"/>); storage is keyed by it, so a message that
/// arrives twice is stored once.
/// </summary>
public sealed record ChatMessage(string Id, string RoomName, string Text, string SenderMail, bool IsEvent, DateTime CreatedAt);
