using System.Text.Json.Serialization;
using Fatechat.Server.Chat;
using Fatechat.Server.Private;

namespace Fatechat.Server.Messaging;

/// <summary>What travels on the bus. The discriminator keeps the JSON readable on a Kafka topic.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RoomMessagePosted), "roomMessage")]
[JsonDerivedType(typeof(PrivateMessagePosted), "privateMessage")]
[JsonDerivedType(typeof(RoomTypingChanged), "typing")]
public abstract record ChatBusEvent
{
    /// <summary>
    /// Where a delivery consumer read a stored event (room or private message) in the bus's log; the same on every
    /// node. Set by the bus on delivery only, never sent.
    /// </summary>
    [JsonIgnore]
    public BusPosition? Position { get; init; }

    // Where an event was read is not part of what it is: a delivered event equals the one published.
    public virtual bool Equals(ChatBusEvent? other) => other is not null && EqualityContract == other.EqualityContract;

    public override int GetHashCode() => EqualityContract.GetHashCode();
}

/// <summary>A place in the bus's log: the partition of the messages topic and the record's offset in it.</summary>
public readonly record struct BusPosition(int Partition, long Offset);

/// <summary>
/// Told to the delivery handler, never published: from here on this node delivers every record of
/// <paramref name="Partition"/> from <paramref name="Offset"/> (a start, or a restart after a rebalance).
/// </summary>
public sealed record DeliveryStarted(int Partition, long Offset) : ChatBusEvent;

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
