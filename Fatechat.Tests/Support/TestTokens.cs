using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Fatechat.Tests.Support;

/// <summary>Signs tokens by hand, so tests can present expired, forged, unsigned or foreign tokens.</summary>
internal static class TestTokens
{
    public const string SampleSecret = "fatechat-sample-secret-change-me-before-deploying";

    /// <summary>An HMAC token: HS256 by default, HS384 or HS512 with the same secret when <paramref name="alg"/> says so.</summary>
    public static string Create(object payload, string secret = SampleSecret, string alg = "HS256")
    {
        var signingInput = SigningInput(payload, alg);
        var key = Encoding.UTF8.GetBytes(secret);
        var data = Encoding.ASCII.GetBytes(signingInput);
        byte[] signature = alg switch
        {
            "HS384" => HMACSHA384.HashData(key, data),
            "HS512" => HMACSHA512.HashData(key, data),
            _ => HMACSHA256.HashData(key, data),
        };
        return $"{signingInput}.{Encode(signature)}";
    }

    /// <summary><c>alg: none</c> and an empty signature, the classic forgery.</summary>
    public static string Unsigned(object payload) => SigningInput(payload, "none") + ".";

    /// <summary>RS256, signed with a key of the caller's (the server knows no RSA key at all).</summary>
    public static string Rs256(object payload)
    {
        using var rsa = RSA.Create(2048);
        var signingInput = SigningInput(payload, "RS256");
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Encode(signature)}";
    }

    /// <summary>The <c>userId</c> claim of a token the server issued.</summary>
    public static long UserIdOf(string token)
    {
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
        using var json = JsonDocument.Parse(Convert.FromBase64String(payload));
        return json.RootElement.GetProperty("userId").GetInt64();
    }

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static string SigningInput(object payload, string alg) =>
        $"{Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg, typ = "JWT" }))}.{Encode(JsonSerializer.SerializeToUtf8Bytes(payload))}";

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
