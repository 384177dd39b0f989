using System.Text.Json.Serialization;
using Fatechat.Server.Chat;
using Fatechat.Server.Private;

namespace Fatechat.Server.Messaging;

/// <summary>What travels on the bus. The discriminator keeps the JSON readable on a Kafka topic.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RoomMessagePosted), "roomMessage")]
[JsonDerivedType(typeof(PrivateMessagePosted), "privateMessage")]
[JsonDerivedType(typeof(RoomPresenceChanged), "presenceChanged")]
public abstract record ChatBusEvent;

/// <summary>A room message or join/leave event: stored once, then sent to the room on every node.</summary>
public sealed record RoomMessagePosted(ChatMessage Message) : ChatBusEvent;

/// <summary>A direct message: stored once, then sent to both users' sockets on every node.</summary>
public sealed record PrivateMessagePosted(PrivateMessage Message) : ChatBusEvent;

/// <summary>Someone came or went: every node sends the room's online list to its own sockets there.</summary>
public sealed record RoomPresenceChanged(string RoomName) : ChatBusEvent;
