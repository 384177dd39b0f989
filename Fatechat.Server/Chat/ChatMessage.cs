namespace Fatechat.Server.Chat;

/// <summary>
/// One room message, user-written or an event such as "x joined the room". The id is a ULID stamped by the node
/// that accepted it (see <see cref="Messaging.MessageIdGenerator"/>); storage is keyed by it, so a message that
/// arrives twice is stored once.
/// <para>
/// <see cref="ClientMessageId"/> is the sender's own id for a send, when the client gave one: it travels to the
/// room's sockets so the sender can match its optimistic copy, and storage keeps one message per sender and client
/// id (<see cref="Messaging.ClientMessagePublisher"/>). Messages read back from storage do not carry it.
/// </para>
/// </summary>
public sealed record ChatMessage(string Id, string RoomName, string Text, string SenderMail, bool IsEvent, DateTime CreatedAt, string? ClientMessageId = null);
