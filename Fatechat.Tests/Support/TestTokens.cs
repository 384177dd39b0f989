using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Fatechat.Tests.Support;

/// <summary>Signs HS256 tokens by hand, so tests can present expired, forged or foreign tokens.</summary>
internal static class TestTokens
{
    public const string SampleSecret = "fatechat-sample-secret-change-me-before-deploying";

    public static string Create(object payload, string secret = SampleSecret, string alg = "HS256")
    {
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg, typ = "JWT" }));
        var body = Encode(JsonSerializer.SerializeToUtf8Bytes(payload));
        var signature = Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes($"{header}.{body}")));
        return $"{header}.{body}.{signature}";
    }

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
