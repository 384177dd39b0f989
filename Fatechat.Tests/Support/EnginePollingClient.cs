using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Fatechat.Tests.Support;

/// <summary>
/// Raw Engine.IO HTTP long-polling over <see cref="HttpClient"/>: the handshake, GETs and POSTs of one path,
/// with bodies as written on the wire (packets joined by <c>\x1e</c>).
/// </summary>
public sealed class EnginePollingClient(HttpClient http, Uri baseUri, string path)
{
    public Uri Endpoint(string query) => new(baseUri, $"{path}?{query}");

    public Uri SessionEndpoint(string sid) => Endpoint($"EIO=4&transport=polling&sid={Uri.EscapeDataString(sid)}");

    /// <summary>Opens a session and returns its sid.</summary>
    public async Task<string> OpenAsync()
    {
        var (status, body) = await GetAsync(Endpoint("EIO=4&transport=polling"));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(body, Does.StartWith("0"));
        using var open = JsonDocument.Parse(body[1..]);
        return open.RootElement.GetProperty("sid").GetString()!;
    }

    public Task<(HttpStatusCode Status, string Body)> PollAsync(string sid, CancellationToken cancellation = default) =>
        GetAsync(SessionEndpoint(sid), cancellation);

    public Task<(HttpStatusCode Status, string Body)> PushAsync(string sid, string body) =>
        SendAsync(HttpMethod.Post, SessionEndpoint(sid), body);

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(Uri uri, CancellationToken cancellation = default)
    {
        using var response = await http.GetAsync(uri, cancellation).WithTimeout();
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellation).WithTimeout());
    }

    public async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, Uri uri, string? body = null)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "UTF-8" };
        }

        using var response = await http.SendAsync(request).WithTimeout();
        return (response.StatusCode, await response.Content.ReadAsStringAsync().WithTimeout());
    }
}
