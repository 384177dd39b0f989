namespace Fatechat.Server.Storage;

/// <summary>What adding a message to <see cref="IMessageRepository"/> did.</summary>
public enum StoreOutcome
{
    /// <summary>The message is stored now.</summary>
    Stored,

    /// <summary>A message with this id was stored before (the bus delivered it twice); nothing changed.</summary>
    AlreadyStored,

    /// <summary>
    /// The sender already has a stored message with this client message id: a retried send that got a second
    /// message id because its claim was lost (see <see cref="Messaging.ClientMessagePublisher"/>). Not stored.
    /// </summary>
    ClientMessageIdTaken,
}
