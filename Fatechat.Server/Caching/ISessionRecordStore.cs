namespace Fatechat.Server.Caching;

/// <summary>
/// What a recovering client gets back besides its missed messages: its socket id, user and rooms; and where
/// delivery stood when the record was written, the position of a client that has received no offset since.
/// </summary>
public sealed record SessionRecord(string SocketId, string UserMail, IReadOnlyList<string> Rooms, string Offset);

/// <summary>
/// Sessions that a client may recover (Socket.IO connection state recovery), by private session id, shared by all
/// nodes. A record lives for the recovery window after its last write or touch: nodes touch their connected
/// sockets' records, so a record outlives its socket by about the window — also when its node dies.
/// </summary>
public interface ISessionRecordStore
{
    ValueTask SaveAsync(string pid, SessionRecord record, TimeSpan lifetime, CancellationToken cancellationToken);

    ValueTask<SessionRecord?> GetAsync(string pid, CancellationToken cancellationToken);

    /// <summary>Gives each existing record another <paramref name="lifetime"/>; missing ones stay missing.</summary>
    ValueTask TouchAsync(IReadOnlyCollection<string> pids, TimeSpan lifetime, CancellationToken cancellationToken);
}
