using System.Security.Claims;

namespace Fatechat.Server.Auth;

/// <summary>The authenticated caller, as carried in the token's <c>userId</c> and <c>userMail</c> claims.</summary>
public sealed record ChatUser(long Id, string Email)
{
    public const string IdClaim = "userId";
    public const string MailClaim = "userMail";

    public ClaimsPrincipal ToPrincipal(string authenticationType) => new(new ClaimsIdentity(
        [new Claim(IdClaim, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Claim(MailClaim, Email)],
        authenticationType));

    /// <summary>Reads the user from a principal built by <see cref="ToPrincipal"/>.</summary>
    public static ChatUser FromPrincipal(ClaimsPrincipal principal) => new(
        long.Parse(principal.FindFirstValue(IdClaim)!, System.Globalization.CultureInfo.InvariantCulture),
        principal.FindFirstValue(MailClaim)!);
}
