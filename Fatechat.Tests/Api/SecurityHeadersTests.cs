using System.Net;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Api;

/// <summary>The web UI's pages and files carry the headers a browser needs to refuse framing, sniffing and foreign scripts.</summary>
[TestFixture]
public sealed class SecurityHeadersTests
{
    private FatechatTestServer _server = null!;

    [OneTimeSetUp]
    public async Task Start() => _server = await FatechatTestServer.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    [TestCase("/")]
    [TestCase("/index.html")]
    [TestCase("/api.html")]
    [TestCase("/app.js")]
    [TestCase("/style.css")]
    public async Task StaticFilesCarryTheSecurityHeaders(string path)
    {
        using var response = await _server.Client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.That(csp, Does.Contain("frame-ancestors 'none'"));
        Assert.That(csp, Does.Contain("script-src 'self'"));
        Assert.That(csp, Does.Not.Contain("unsafe-inline"));
        Assert.That(response.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
        Assert.That(response.Headers.GetValues("X-Frame-Options"), Is.EqualTo(new[] { "DENY" }));
        Assert.That(response.Headers.GetValues("Referrer-Policy"), Is.EqualTo(new[] { "no-referrer" }));
    }

    [TestCase("/index.html")]
    [TestCase("/api.html")]
    public async Task ThePagesOwnMetaPolicyIsTheHeadersWithoutFraming(string page)
    {
        // The meta policy holds where headers are lost (a proxy, a saved page); frame-ancestors works only as a header.
        var html = await _server.Client.GetStringAsync(page);
        var meta = System.Text.RegularExpressions.Regex.Match(html, "http-equiv=\"Content-Security-Policy\"\\s+content=\"(?<policy>[^\"]+)\"");
        Assert.That(meta.Success, Is.True, $"{page} has a meta policy");
        Assert.That(Fatechat.Server.Hosting.StaticFilesSetup.ContentSecurityPolicy, Is.EqualTo(meta.Groups["policy"].Value + "; frame-ancestors 'none'"));
    }
}
