using System.Text;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Options;

/// <summary>Refuses a short secret anywhere, and the sample secret outside Development.</summary>
internal sealed class JwtOptionsValidator(IHostEnvironment environment) : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        if (Encoding.UTF8.GetByteCount(options.Secret ?? "") < 32)
        {
            return ValidateOptionsResult.Fail("Fatechat:Jwt:Secret (JWT_SECRET) must be at least 32 bytes for HS256.");
        }

        if (options.Secret == JwtOptions.SampleSecret && !environment.IsDevelopment())
        {
            return ValidateOptionsResult.Fail(
                $"Fatechat:Jwt:Secret is the sample secret from config.json; set JWT_SECRET (environment '{environment.EnvironmentName}' is not Development).");
        }

        if (options.Expiry <= TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail("Fatechat:Jwt:Expiry must be positive.");
        }

        return ValidateOptionsResult.Success;
    }
}
