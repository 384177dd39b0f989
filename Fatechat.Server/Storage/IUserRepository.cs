using Fatechat.Server.Auth;

namespace Fatechat.Server.Storage;

public interface IUserRepository
{
    /// <summary>Stores a new user; null when the e-mail is already registered (compared case-insensitively).</summary>
    Task<UserAccount?> TryCreateAsync(string email, string passwordHash, DateTime createdAt, CancellationToken cancellationToken);

    Task<UserAccount?> FindByEmailAsync(string email, CancellationToken cancellationToken);

    /// <summary>Whether user <paramref name="id"/> exists with this e-mail (compared case-insensitively): a token's claims still name an account.</summary>
    Task<bool> ExistsAsync(long id, string email, CancellationToken cancellationToken);
}
