using System.Net;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Api;

[TestFixture]
public sealed class ApiErrorTests
{
    private FatechatTestServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await FatechatTestServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [TestCase("/api/nope")]
    [TestCase("/api/chat/1/nothing")]
    [TestCase("/api")]
    public async Task UnknownApiPathIs404InJson(string path)
    {
        using var response = await _server.Client.GetAsync(path);
        await HttpAssert.IsErrorAsync(response, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task UnknownApiPathWithTokenIsStill404()
    {
        var (_, token) = await _server.RegisterAsync();
        using var request = _server.Request(HttpMethod.Post, "/api/rooms", token, new { name = "x" });
        using var response = await _server.Client.SendAsync(request);
        await HttpAssert.IsErrorAsync(response, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task WrongMethodIs405InJson()
    {
        using var delete = await _server.Client.DeleteAsync("/api/chat");
        await HttpAssert.IsErrorAsync(delete, HttpStatusCode.MethodNotAllowed);
        using var get = await _server.Client.GetAsync("/api/register");
        await HttpAssert.IsErrorAsync(get, HttpStatusCode.MethodNotAllowed);
    }

    [Test]
    public async Task HealthAnswersOk()
    {
        using var response = await _server.Client.GetAsync("/health");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("ok"));
    }

    [Test]
    public async Task SocketIOClientBundleIsServed()
    {
        using var response = await _server.Client.GetAsync("/socket.io/socket.io.js");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
