namespace Fatechat.Server.Options;

/// <summary>The <c>Fatechat:Jwt</c> section: HS256 tokens for REST and socket handshakes.</summary>
public sealed class JwtOptions
{
    public const string Section = "Fatechat:Jwt";

    /// <summary>The secret shipped in config.json; accepted only in the Development environment.</summary>
    public const string SampleSecret = "fatechat-sample-secret-change-me-before-deploying";

    /// <summary>
    /// Secrets anyone can read in this repository or its history (config.json's sample, the compose file's former
    /// default): a server outside Development refuses them, since they let anyone sign tokens for any user.
    /// </summary>
    public static readonly IReadOnlyList<string> PublishedSecrets = [SampleSecret, "fatechat-compose-secret-change-me-0123456789"];

    /// <summary>The longest token lifetime accepted: a stolen token must run out.</summary>
    public static readonly TimeSpan MaxExpiry = TimeSpan.FromDays(30);

    /// <summary>HMAC key; at least 32 bytes, since HS256 needs a 256-bit key.</summary>
    public string Secret { get; set; } = SampleSecret;

    public string Issuer { get; set; } = "fatechat";

    public TimeSpan Expiry { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Accept tokens issued by the Node app Fatechat replaces: HS256 with this secret, no <c>iss</c>,
    /// <c>{userId, userMail, iat, exp}</c>, until they expire. Unset (the default) means: when the database holds
    /// the Node app's tables (<see cref="Storage.NodeAppTables"/>).
    /// </summary>
    public bool? AcceptNodeTokens { get; set; }

    /// <summary>
    /// The key the Node app signed its tokens with, when it was not <see cref="Secret"/> (the Node app hard-coded
    /// a short one). Verify-only and any length; needed only until the last of those tokens has expired (6 h).
    /// </summary>
    public string? NodeSecret { get; set; }
}
