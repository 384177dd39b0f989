using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fatechat.Server.Auth;

/// <summary>
/// Checks the HS256 signature of a token the Node app issued with its own key. That key may be shorter than the
/// 256 bits Microsoft.IdentityModel insists on (the Node app hard-coded a 19-byte one), so the HMAC is checked
/// here and IdentityModel does the rest (lifetime, claims). Used only to verify, never to sign.
/// </summary>
internal static class NodeTokenSignature
{
    public static SignatureValidator Validator(byte[] key) => (token, _) => Verify(token, key);

    private static JsonWebToken Verify(string token, byte[] key)
    {
        string[] parts = token.Split('.');
        if (parts.Length != 3 || !IsHs256(parts[0]))
        {
            throw new SecurityTokenInvalidSignatureException("Not an HS256 token.");
        }

        byte[] expected = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        byte[] actual;
        try
        {
            actual = Base64UrlEncoder.DecodeBytes(parts[2]);
        }
        catch (FormatException)
        {
            throw new SecurityTokenInvalidSignatureException("The signature is not base64url.");
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            throw new SecurityTokenInvalidSignatureException("The signature does not match the Node app's key.");
        }

        return new JsonWebToken(token);
    }

    private static bool IsHs256(string header)
    {
        try
        {
            using var json = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(header));
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("alg", out var alg) && alg.ValueKind == JsonValueKind.String
                && alg.ValueEquals(SecurityAlgorithms.HmacSha256); // compared as bytes: a lone surrogate cannot throw
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }
    }
}
