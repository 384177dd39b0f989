namespace Fatechat.Tests.Support;

/// <summary>
/// Every token shape the server must refuse, for one real user (its id and e-mail), signed with the sample
/// secret unless the shape is about the key: each name maps to the token and the reason the server logs.
/// </summary>
internal static class ForgedTokens
{
    public static Dictionary<string, (string Token, string Reason)> For(long userId, string email)
    {
        long now = TestTokens.Now;
        object Claims(long id, string mail, long exp) => new { userId = id, userMail = mail, iss = "fatechat", iat = now, exp };
        var valid = Claims(userId, email, now + 3600);
        return new()
        {
            ["expired"] = (TestTokens.Create(new { userId, userMail = email, iss = "fatechat", iat = now - 7200, nbf = now - 7200, exp = now - 3600 }), "expired or not yet valid"),
            ["wrong key"] = (TestTokens.Create(valid, secret: "some-other-secret-that-is-long-enough-for-hs256"), "bad signature"),
            ["alg none"] = (TestTokens.Unsigned(valid), "algorithm none not allowed"),
            ["HS384"] = (TestTokens.Create(valid, alg: "HS384"), "algorithm HS384 not allowed"),
            ["HS512"] = (TestTokens.Create(valid, alg: "HS512"), "algorithm HS512 not allowed"),
            ["RS256"] = (TestTokens.Rs256(valid), "algorithm RS256 not allowed"),
            ["no such user"] = (TestTokens.Create(Claims(987_654_321, "ghost@example.test", now + 3600)), "no such user"),
            ["another user's e-mail"] = (TestTokens.Create(Claims(userId, "someone-else@example.test", now + 3600)), "no such user"),
            ["no userId"] = (TestTokens.Create(new { userMail = email, iss = "fatechat", iat = now, exp = now + 3600 }), "missing or malformed userId/userMail claims"),
            ["no userMail"] = (TestTokens.Create(new { userId, iss = "fatechat", iat = now, exp = now + 3600 }), "missing or malformed userId/userMail claims"),
            ["no exp"] = (TestTokens.Create(new { userId, userMail = email, iss = "fatechat", iat = now }), "no expiry"),
            ["another issuer"] = (TestTokens.Create(new { userId, userMail = email, iss = "someone-else", iat = now, exp = now + 3600 }), "wrong issuer"),
        };
    }
}
