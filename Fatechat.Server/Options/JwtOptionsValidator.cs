using System.Text;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Options;

/// <summary>
/// Refuses, anywhere, a secret shorter than 32 bytes or one of fewer than 8 distinct characters (32 spaces), and a
/// token lifetime that is not positive or longer than <see cref="JwtOptions.MaxExpiry"/>; outside Development, any
/// secret published in this repository.
/// </summary>
internal sealed class JwtOptionsValidator(IHostEnvironment environment) : IValidateOptions<JwtOptions>
{
    private const int MinDistinctCharacters = 8;

    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        var secret = options.Secret ?? "";
        if (Encoding.UTF8.GetByteCount(secret) < 32)
        {
            return ValidateOptionsResult.Fail("Fatechat:Jwt:Secret (JWT_SECRET) must be at least 32 bytes for HS256.");
        }

        if (secret.Distinct().Count() < MinDistinctCharacters)
        {
            return ValidateOptionsResult.Fail(
                $"Fatechat:Jwt:Secret (JWT_SECRET) has fewer than {MinDistinctCharacters} distinct characters; use a random string (e.g. openssl rand -base64 48).");
        }

        if (JwtOptions.PublishedSecrets.Contains(secret) && !environment.IsDevelopment())
        {
            return ValidateOptionsResult.Fail(
                $"Fatechat:Jwt:Secret is a sample secret published in the repository; set JWT_SECRET (environment '{environment.EnvironmentName}' is not Development).");
        }

        if (options.Expiry <= TimeSpan.Zero || options.Expiry > JwtOptions.MaxExpiry)
        {
            return ValidateOptionsResult.Fail($"Fatechat:Jwt:Expiry must be positive and at most {JwtOptions.MaxExpiry.TotalDays:0} days.");
        }

        return ValidateOptionsResult.Success;
    }
}
