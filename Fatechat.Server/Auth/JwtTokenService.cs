using System.Security.Claims;
using System.Text;
using Fatechat.Server.Options;
using Fatechat.Server.Storage;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fatechat.Server.Auth;

/// <summary>Issues and checks the HS256 tokens used by REST and by socket handshakes.</summary>
public sealed class JwtTokenService
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly JwtOptions _options;
    private readonly TimeProvider _time;
    private readonly SigningCredentials _credentials;
    private readonly TokenValidationParameters _validation;
    private readonly TokenValidationParameters _nodeValidation;
    private readonly NodeAppTables _nodeApp;

    public JwtTokenService(IOptions<JwtOptions> options, TimeProvider time, NodeAppTables nodeApp)
    {
        _options = options.Value;
        _time = time;
        _nodeApp = nodeApp;
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_options.Secret));
        _credentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
        _validation = new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = !string.IsNullOrEmpty(_options.Issuer),
            ValidIssuer = _options.Issuer,
            ValidateAudience = false,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = ValidateLifetime,
        };
        // The Node server's tokens: its key (by default this one), the same checks, and no issuer at all (a token
        // that names another issuer is refused).
        _nodeValidation = _validation.Clone();
        _nodeValidation.SignatureValidator = NodeTokenSignature.Validator(Encoding.UTF8.GetBytes(_options.NodeSecret ?? _options.Secret));
        _nodeValidation.ValidateIssuer = true;
        _nodeValidation.IssuerValidator = (issuer, _, _) =>
            string.IsNullOrEmpty(issuer) ? issuer : throw new SecurityTokenInvalidIssuerException("A Node app token has no issuer.");
    }

    /// <summary>Whether tokens of the Node app (no <c>iss</c>) are accepted: the setting, else whether its tables were found.</summary>
    public bool AcceptsNodeTokens => _options.AcceptNodeTokens ?? _nodeApp.Found;

    public string CreateToken(ChatUser user)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { [ChatUser.IdClaim] = user.Id, [ChatUser.MailClaim] = user.Email },
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _options.Expiry,
            Issuer = string.IsNullOrEmpty(_options.Issuer) ? null : _options.Issuer,
            SigningCredentials = _credentials,
        });
    }

    /// <summary>The user of a valid token; null for a missing, malformed, forged or expired one.</summary>
    public async Task<ChatUser?> ValidateAsync(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return null;
        }

        var result = await _handler.ValidateTokenAsync(token, _validation);
        if (!result.IsValid && AcceptsNodeTokens)
        {
            result = await _handler.ValidateTokenAsync(token, _nodeValidation);
        }

        if (!result.IsValid
            || result.ClaimsIdentity.FindFirst(ChatUser.IdClaim)?.Value is not { } idText
            || !long.TryParse(idText, out var id)
            || result.ClaimsIdentity.FindFirst(ChatUser.MailClaim)?.Value is not { Length: > 0 } mail)
        {
            return null;
        }

        return new ChatUser(id, mail);
    }

    /// <summary>
    /// The token in an <c>Authorization</c> header: <c>Bearer &lt;jwt&gt;</c> in any letter case, or the raw token,
    /// which the Node server also accepted and its frontend sends.
    /// </summary>
    public static string? ExtractToken(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return null;
        }

        var value = authorization.Trim();
        if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            value = value["Bearer ".Length..].Trim();
        }

        return value.Length == 0 ? null : value;
    }

    // Checked against the injected clock so tests can age tokens without waiting six hours.
    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return expires is { } exp && now < exp.ToUniversalTime() + parameters.ClockSkew
            && (notBefore is not { } nbf || now >= nbf.ToUniversalTime() - parameters.ClockSkew);
    }
}
