using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fatechat.Tests.Interop;
using Fatechat.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Fatechat.Tests.Api;

/// <summary>
/// The API described for its tools: the OpenAPI document names every REST endpoint the server maps, with its
/// errors and the bearer scheme where a token is needed; the Postman collection in docs/ asks only for paths that
/// exist and keeps the token from its login; the page that renders the document is served.
/// </summary>
[TestFixture]
public sealed partial class ApiDescriptionTests
{
    private FatechatTestServer _server = null!;
    private JsonElement _document;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _server = await FatechatTestServer.StartAsync();
        using var response = await _server.Client.GetAsync("/openapi/v1.json");
        _document = await HttpAssert.IsOkJsonAsync(response);
    }

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public void DocumentNamesEveryMappedRestEndpoint()
    {
        var mapped = _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api", StringComparison.Ordinal) || raw is "/health" or "/ready"))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .ToHashSet();

        Assert.That(mapped, Has.Count.GreaterThanOrEqualTo(8), "the REST endpoints were found");
        Assert.That(DocumentedOperations().Keys, Is.EquivalentTo(mapped));
    }

    [Test]
    public void EndpointsThatNeedATokenNameTheBearerSchemeAndTheir401()
    {
        Assert.That(_document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString(),
            Is.EqualTo("bearer"));
        foreach (var (operation, body) in DocumentedOperations())
        {
            bool isPublic = operation is "POST /api/register" or "POST /api/login" or "GET /health" or "GET /ready";
            Assert.That(body.TryGetProperty("security", out _), Is.EqualTo(!isPublic), operation);
            var statuses = body.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            if (!isPublic)
            {
                Assert.That(statuses, Does.Contain("401"), operation);
            }
        }

        Assert.That(DocumentedOperations()["POST /api/register"].GetProperty("responses").EnumerateObject().Select(r => r.Name),
            Is.SupersetOf(new[] { "200", "400", "409", "415" }));
    }

    [Test]
    public void PostmanCollectionAsksOnlyForDocumentedPathsAndKeepsTheToken()
    {
        var collection = JsonDocument.Parse(File.ReadAllText(Path.Combine(InteropPaths.RepoRoot, "docs", "fatechat.postman_collection.json"))).RootElement;
        var documented = DocumentedOperations();
        var requests = Requests(collection.GetProperty("item")).ToList();

        Assert.That(requests, Has.Count.GreaterThanOrEqualTo(8));
        foreach (var (name, request, events) in requests)
        {
            var path = "/" + string.Join('/', request.GetProperty("url").GetProperty("path").EnumerateArray().Select(s => s.GetString()));
            var operation = $"{request.GetProperty("method").GetString()} {Normalize(VariablePattern().Replace(path, "{$1}"))}";
            Assert.That(documented.Keys.Select(Shape), Does.Contain(Shape(operation)), $"{name}: {operation}");
            if (name is "Log in" or "Register")
            {
                Assert.That(events.ToString(), Does.Contain("pm.collectionVariables.set('token'"), $"{name} keeps the token");
            }
            else if (!operation.StartsWith("GET /health", StringComparison.Ordinal))
            {
                Assert.That(request.GetProperty("auth").GetProperty("type").GetString(), Is.EqualTo("bearer"), name);
            }
        }

        Assert.That(requests.Select(r => r.Name), Is.SupersetOf(new[] { "Log in", "Register", "My conversations" }));
    }

    [Test]
    public async Task ApiPageIsServed()
    {
        using var response = await _server.Client.GetAsync("/api.html");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("js/api-docs.js"));
    }

    private Dictionary<string, JsonElement> DocumentedOperations() =>
        _document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => ($"{o.Name.ToUpperInvariant()} {Normalize(p.Name)}", o.Value)))
            .ToDictionary(x => x.Item1, x => x.Item2);

    private static IEnumerable<(string Name, JsonElement Request, JsonElement Events)> Requests(JsonElement items)
    {
        foreach (var item in items.EnumerateArray())
        {
            if (item.TryGetProperty("item", out var children))
            {
                foreach (var request in Requests(children))
                {
                    yield return request;
                }
            }
            else
            {
                yield return (item.GetProperty("name").GetString()!, item.GetProperty("request"),
                    item.TryGetProperty("event", out var events) ? events : default);
            }
        }
    }

    /// <summary>An operation with its parameter names left out: <c>GET /api/chat/{}/messages</c>.</summary>
    private static string Shape(string operation) => ParameterPattern().Replace(operation, "{}");

    /// <summary>"/api/chat/" and "/api/chat" are one path.</summary>
    private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;

    [GeneratedRegex(@"\{\{(\w+)\}\}")]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"\{\w+\}")]
    private static partial Regex ParameterPattern();
}
