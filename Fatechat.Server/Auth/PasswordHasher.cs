using Fatechat.Server.Options;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Auth;

/// <summary>
/// BCrypt ($2a$/$2b$, readable by bcryptjs too) with the configured work factor. A hash takes tens of milliseconds of
/// CPU, so the async forms run it on the thread pool: requests are handled on the I/O threads
/// (<see cref="Options.FatechatOptions.InlineIO"/>), where it would stall every socket that thread serves.
/// </summary>
public sealed class PasswordHasher(IOptions<AuthOptions> options)
{
    private readonly int _workFactor = options.Value.BcryptWorkFactor;

    // Compared against when the e-mail is unknown, so a failed login takes as long either way.
    private readonly Lazy<string> _decoyHash = new(() => BCrypt.Net.BCrypt.HashPassword("decoy-password", options.Value.BcryptWorkFactor));

    public string Hash(string password) => BCrypt.Net.BCrypt.HashPassword(password, _workFactor);

    public Task<string> HashAsync(string password) => Task.Run(() => Hash(password));

    public Task<bool> VerifyAsync(string password, string? hash) => Task.Run(() => Verify(password, hash));

    public bool Verify(string password, string? hash)
    {
        if (hash is null)
        {
            BCrypt.Net.BCrypt.Verify(password, _decoyHash.Value);
            return false;
        }

        try
        {
            return BCrypt.Net.BCrypt.Verify(password, hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }
}
