namespace Fatechat.Server.Options;

/// <summary>The <c>Fatechat:Auth</c> section: password rules and hashing cost.</summary>
public sealed class AuthOptions
{
    public const string Section = "Fatechat:Auth";

    /// <summary>BCrypt cost (log2 rounds); each step doubles the time a login takes.</summary>
    public int BcryptWorkFactor { get; set; } = 10;

    public int PasswordMinLength { get; set; } = 8;

    /// <summary>BCrypt ignores bytes past 72, so longer passwords are refused rather than silently cut.</summary>
    public int PasswordMaxBytes { get; set; } = 72;

    public int EmailMaxLength { get; set; } = 254;
}
