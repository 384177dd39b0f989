using System.Net;
using System.Text.Json;

namespace Fatechat.Tests.Support;

internal static class HttpAssert
{
    /// <summary>Asserts the status and that the body is <c>{"error": "..."}</c> JSON; returns the error text.</summary>
    public static async Task<string> IsErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"), text);
        using var json = JsonDocument.Parse(text);
        Assert.That(json.RootElement.ValueKind, Is.EqualTo(JsonValueKind.Object), text);
        Assert.That(json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String, text);
        return error.GetString()!;
    }

    public static async Task<JsonElement> IsOkJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static string[] PropertyNames(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    /// <summary>JavaScript's Date.toJSON form: UTC with exactly three fraction digits.</summary>
    public const string TimestampPattern = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$";
}
