using System.Text;
using System.Text.Json;

namespace Fatechat.Bench.Ceiling;

/// Tokens of the benchmark's stubs: "bench." + base64url(JSON {userMail}), unsigned (see bench/peer/rest-stubs.mjs).
internal static class BenchToken
{
    private const string Prefix = "bench.";

    public static string For(string userMail) =>
        Prefix + Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new { userMail }))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string? MailFrom(string token)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var b64 = token[Prefix.Length..].Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
        try
        {
            using var doc = JsonDocument.Parse(Convert.FromBase64String(b64));
            return doc.RootElement.TryGetProperty("userMail", out var mail) ? mail.GetString() : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}
