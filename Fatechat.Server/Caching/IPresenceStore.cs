namespace Fatechat.Server.Caching;

/// <summary>One socket of one user in one room, on one node.</summary>
public sealed record PresenceEntry(string RoomName, string UserMail, string NodeId, string SocketId);

/// <summary>
/// Who is online in which room, tracked per socket: a user with two tabs in a room stays online until the
/// last one leaves. Entries carry the node id so that a shared store can drop a dead node's sockets.
/// </summary>
public interface IPresenceStore
{
    /// <summary>True when the user had no other socket in the room, i.e. has just come online there.</summary>
    ValueTask<bool> AddAsync(PresenceEntry entry, CancellationToken cancellationToken);

    /// <summary>True when this was the user's last socket in the room, i.e. the user has just gone offline there.</summary>
    ValueTask<bool> RemoveAsync(PresenceEntry entry, CancellationToken cancellationToken);

    /// <summary>Distinct e-mails online in the room, sorted; empty, never null.</summary>
    ValueTask<IReadOnlyList<string>> GetOnlineUsersAsync(string roomName, CancellationToken cancellationToken);
}
