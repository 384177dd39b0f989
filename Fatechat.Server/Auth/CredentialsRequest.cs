using System.Text;
using System.Text.RegularExpressions;
using Fatechat.Server.Options;

namespace Fatechat.Server.Auth;

/// <summary>The body of register and login.</summary>
public sealed partial record CredentialsRequest(string? Email, string? Password)
{
    /// <summary>E-mails are compared and stored trimmed and lower-case.</summary>
    public string NormalizedEmail => (Email ?? "").Trim().ToLowerInvariant();

    /// <summary>The reason registration is refused, or null.</summary>
    public string? ValidateForRegistration(AuthOptions options)
    {
        var email = NormalizedEmail;
        if (email.Length == 0 || email.Length > options.EmailMaxLength || !EmailShape().IsMatch(email))
        {
            return "A valid email is required";
        }

        if (Password is null || Password.Length < options.PasswordMinLength)
        {
            return $"Password must be at least {options.PasswordMinLength} characters";
        }

        if (Encoding.UTF8.GetByteCount(Password) > options.PasswordMaxBytes)
        {
            return $"Password must be at most {options.PasswordMaxBytes} bytes";
        }

        return null;
    }

    // Deliberately loose: one @, no spaces, a dot in the domain. Deliverability is not ours to judge.
    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailShape();
}
