namespace Fatechat.Server.Caching;

/// <summary>A sender's own id for one send (<c>clientMessageId</c>): unique per sender, room and private messages alike.</summary>
public readonly record struct ClientMessageKey(string SenderMail, string ClientMessageId);

/// <summary>
/// Which message a client message id stands for. <see cref="Fingerprint"/> digests what was sent (kind, target,
/// text), so that an id reused for another message is told apart from a retry. A claim is pending while its send
/// is being published and <see cref="Published"/> once the bus has accepted it.
/// </summary>
public sealed record ClientMessageClaim(string MessageId, string Fingerprint, bool Published);

/// <summary>
/// Claims of client message ids, shared by every node (Redis) or kept by the only one (memory), each with a time to
/// live. Claiming and replacing are atomic, so two attempts of one send racing on two nodes cannot both win.
/// </summary>
public interface IClientMessageIdStore
{
    /// <summary>Stores <paramref name="claim"/> for <paramref name="ttl"/> when the key is free and returns null; else returns the claim that holds it.</summary>
    ValueTask<ClientMessageClaim?> TryClaimAsync(ClientMessageKey key, ClientMessageClaim claim, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>The claim that holds the key, or null.</summary>
    ValueTask<ClientMessageClaim?> GetAsync(ClientMessageKey key, CancellationToken cancellationToken);

    /// <summary>
    /// When the key still holds <paramref name="expected"/>: replaces it with <paramref name="replacement"/> for
    /// <paramref name="ttl"/>, or frees the key when the replacement is null, and returns true. False when the
    /// claim expired or another took its place; nothing changes then.
    /// </summary>
    ValueTask<bool> ReplaceAsync(ClientMessageKey key, ClientMessageClaim expected, ClientMessageClaim? replacement, TimeSpan ttl, CancellationToken cancellationToken);
}
