using System.Text.Json.Serialization;
using Fatechat.Server.Chat;
using Fatechat.Server.Private;

namespace Fatechat.Server.Messaging;

/// <summary>What travels on the bus. The discriminator keeps the JSON readable on a Kafka topic.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RoomMessagePosted), "roomMessage")]
[JsonDerivedType(typeof(PrivateMessagePosted), "privateMessage")]
[JsonDerivedType(typeof(RoomTypingChanged), "typing")]
public abstract record ChatBusEvent;

/// <summary>
/// A room message or join/leave event: stored once, then sent to the room on every node. A join or leave also
/// changed who is online: each node then sends the room's online list first and the event message after it. One
/// record carries both so that every client sees them in that order on every bus, for one broker round trip.
/// </summary>
public sealed record RoomMessagePosted(ChatMessage Message, bool PresenceChanged = false) : ChatBusEvent;

/// <summary>A direct message: stored once, then sent to both users' sockets on every node.</summary>
public sealed record PrivateMessagePosted(PrivateMessage Message) : ChatBusEvent;

/// <summary>Someone started or stopped typing in a room: sent to the room's other users on every node, never stored.</summary>
public sealed record RoomTypingChanged(string RoomName, string UserMail, bool IsTyping) : ChatBusEvent;
