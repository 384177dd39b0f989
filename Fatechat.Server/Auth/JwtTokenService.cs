using System.Security.Claims;
using System.Text;
using Fatechat.Server.Options;
using Fatechat.Server.Storage;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fatechat.Server.Auth;

/// <summary>
/// Issues and checks the HS256 tokens used by REST and by socket handshakes: one check for both doors, so that a
/// token shape refused by one is refused by the other.
/// </summary>
public sealed class JwtTokenService
{
    // Users are never deleted, so an account once seen stays valid; capped so that memory stays bounded.
    private const int KnownUsersCap = 100_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, string> _knownUsers = new();
    private readonly IUserRepository _users;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly JwtOptions _options;
    private readonly TimeProvider _time;
    private readonly SigningCredentials _credentials;
    private readonly TokenValidationParameters _validation;
    private readonly TokenValidationParameters _nodeValidation;
    private readonly NodeAppTables _nodeApp;

    public JwtTokenService(IOptions<JwtOptions> options, TimeProvider time, NodeAppTables nodeApp, IUserRepository users)
    {
        _users = users;
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

    /// <summary>The user of a valid token; null for a missing, malformed, forged or expired one, or one whose user is gone.</summary>
    public async Task<ChatUser?> ValidateAsync(string? token, CancellationToken cancellationToken = default) => (await CheckAsync(token, cancellationToken)).User;

    /// <summary>
    /// The user of a valid token, or why it was refused (for the log): signed by us with HS256 (or by the Node app,
    /// when its tokens are accepted), within its lifetime, with both claims, naming an account that exists.
    /// </summary>
    public async Task<TokenCheck> CheckAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return TokenCheck.Refused("no token");
        }

        var result = await _handler.ValidateTokenAsync(token, _validation);
        if (!result.IsValid && AcceptsNodeTokens)
        {
            var asNodeToken = await _handler.ValidateTokenAsync(token, _nodeValidation);
            // A token without our issuer is judged as the Node app's, so its reason is the one to tell.
            if (asNodeToken.IsValid || result.Exception is SecurityTokenInvalidIssuerException)
            {
                result = asNodeToken;
            }
        }

        if (!result.IsValid)
        {
            return TokenCheck.Refused(Reason(token, result.Exception));
        }

        if (result.ClaimsIdentity.FindFirst(ChatUser.IdClaim)?.Value is not { } idText
            || !long.TryParse(idText, out var id)
            || result.ClaimsIdentity.FindFirst(ChatUser.MailClaim)?.Value is not { Length: > 0 } mail)
        {
            return TokenCheck.Refused("missing or malformed userId/userMail claims");
        }

        if (!await ExistsAsync(id, mail, cancellationToken))
        {
            return TokenCheck.Refused("no such user");
        }

        return new TokenCheck(new ChatUser(id, mail), null);
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

    /// <summary>A validly signed token for an account that is not (or no longer) in the database — another deployment's, or a reset database's.</summary>
    private async Task<bool> ExistsAsync(long id, string mail, CancellationToken cancellationToken)
    {
        if (_knownUsers.TryGetValue(id, out var known) && string.Equals(known, mail, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!await _users.ExistsAsync(id, mail, cancellationToken))
        {
            return false;
        }

        if (_knownUsers.Count >= KnownUsersCap)
        {
            _knownUsers.Clear();
        }

        _knownUsers[id] = mail;
        return true;
    }

    /// <summary>Why a token failed, in words for the log; the header and claims are looked at only to say it better.</summary>
    private string Reason(string token, Exception? exception)
    {
        JsonWebToken? read;
        string? algorithm;
        try
        {
            read = _handler.CanReadToken(token) ? new JsonWebToken(token) : null;
            algorithm = read?.Alg;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return "malformed"; // a header that is not even text (a lone surrogate in its alg, say)
        }

        if (read is not null && algorithm != SecurityAlgorithms.HmacSha256)
        {
            return $"algorithm {Auth.AuthLog.Printable(algorithm, 16)} not allowed";
        }

        return exception switch
        {
            SecurityTokenInvalidLifetimeException or SecurityTokenNoExpirationException when read is not null && !read.TryGetPayloadValue<object>("exp", out _) => "no expiry",
            SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException or SecurityTokenNotYetValidException => "expired or not yet valid",
            SecurityTokenInvalidAlgorithmException => "algorithm not allowed",
            SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "bad signature",
            SecurityTokenInvalidIssuerException => "wrong issuer",
            SecurityTokenMalformedException or ArgumentException => "malformed",
            null => "invalid",
            _ => exception.GetType().Name,
        };
    }

    // Checked against the injected clock so tests can age tokens without waiting six hours.
    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return expires is { } exp && now < exp.ToUniversalTime() + parameters.ClockSkew
            && (notBefore is not { } nbf || now >= nbf.ToUniversalTime() - parameters.ClockSkew);
    }
}

/// <summary>What <see cref="JwtTokenService.CheckAsync"/> found: the user, or why the token was refused.</summary>
public sealed record TokenCheck(ChatUser? User, string? Reason)
{
    public static TokenCheck Refused(string reason) => new(null, reason);
}
