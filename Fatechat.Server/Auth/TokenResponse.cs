using System.Text.Json.Serialization;

namespace Fatechat.Server.Auth;

public sealed record TokenResponse([property: JsonPropertyName("token")] string Token);
