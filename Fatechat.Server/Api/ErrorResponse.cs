using System.Text.Json.Serialization;

namespace Fatechat.Server.Api;

/// <summary>The body of every REST error: <c>{"error":"..."}</c>, as the Node server answered.</summary>
public sealed record ErrorResponse([property: JsonPropertyName("error")] string Error);
