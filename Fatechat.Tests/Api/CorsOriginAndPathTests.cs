using System.Net;
using System.Net.WebSockets;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Api;

/// <summary>
/// Server settings for frontends on other origins and other paths: CORS on the REST API (preflight answered) and on
/// the Engine.IO handshake, an Origin allow-list on Socket.IO handshakes and upgrades (both doors), and the
/// Socket.IO path. By default none of it is on, as with the Node server.
/// </summary>
[TestFixture]
public sealed class CorsOriginAndPathTests
{
    private const string App = "https://app.example";
    private const string Evil = "https://evil.example";

    [Test]
    public async Task ConfiguredOriginsGetCorsOnRestAndTheHandshakeWithPreflightsAnswered()
    {
        await using var server = await FatechatTestServer.StartAsync($"--Fatechat:Cors:Origins:0={App}", "--Fatechat:Cors:Credentials=true");

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/login");
        preflight.Headers.Add("Origin", App);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var answer = await server.Client.SendAsync(preflight);
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(Header(answer, "Access-Control-Allow-Origin"), Is.EqualTo(App));
        Assert.That(Header(answer, "Access-Control-Allow-Credentials"), Is.EqualTo("true"));
        Assert.That(Header(answer, "Access-Control-Allow-Methods"), Does.Contain("POST"));

        Assert.That(Header(await GetAsync(server, "/api/chat", App), "Access-Control-Allow-Origin"), Is.EqualTo(App), "also on a 401");
        Assert.That(Header(await GetAsync(server, "/api/chat", Evil), "Access-Control-Allow-Origin"), Is.Null);
        var handshake = await GetAsync(server, "/socket.io/?EIO=4&transport=polling", App);
        Assert.That(handshake.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Header(handshake, "Access-Control-Allow-Origin"), Is.EqualTo(App));
    }

    [Test]
    public async Task WithoutSettingsNoCorsHeaderIsSent()
    {
        await using var server = await FatechatTestServer.StartAsync();

        Assert.That(Header(await GetAsync(server, "/api/chat", App), "Access-Control-Allow-Origin"), Is.Null);
        Assert.That(Header(await GetAsync(server, "/socket.io/?EIO=4&transport=polling", App), "Access-Control-Allow-Origin"), Is.Null);
    }

    [Test]
    public async Task HandshakesFromOriginsOffTheAllowListAreForbiddenOnBothTransports()
    {
        await using var server = await FatechatTestServer.StartAsync($"--Fatechat:SocketIO:AllowedOrigins:0={App}");

        var refused = await GetAsync(server, "/socket.io/?EIO=4&transport=polling", Evil);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await refused.Content.ReadAsStringAsync(), Is.EqualTo("{\"code\":4,\"message\":\"Forbidden\"}"));
        Assert.That((await GetAsync(server, "/socket.io/?EIO=4&transport=polling", App)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await GetAsync(server, "/socket.io/?EIO=4&transport=polling", origin: null)).StatusCode, Is.EqualTo(HttpStatusCode.OK),
            "a client that is not a browser sends no Origin");

        var uri = new Uri($"ws://{server.BaseAddress.Authority}/socket.io/?EIO=4&transport=websocket");
        Assert.That(await WebSocketStatusAsync(uri, Evil), Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await WebSocketStatusAsync(uri, App), Is.EqualTo(HttpStatusCode.SwitchingProtocols));
    }

    [Test]
    public async Task SocketIOIsServedAtTheConfiguredPath()
    {
        await using var server = await FatechatTestServer.StartAsync("--Fatechat:SocketIO:Path=/chat-io");

        var open = await GetAsync(server, "/chat-io/?EIO=4&transport=polling", origin: null);
        Assert.That(open.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await open.Content.ReadAsStringAsync(), Does.StartWith("0{\"sid\":"));
        Assert.That((await GetAsync(server, "/chat-io/socket.io.min.js", origin: null)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the client bundle moves too");
        Assert.That((await GetAsync(server, "/socket.io/?EIO=4&transport=polling", origin: null)).StatusCode, Is.Not.EqualTo(HttpStatusCode.OK));
        Assert.That(await WebSocketStatusAsync(new Uri($"ws://{server.BaseAddress.Authority}/chat-io/?EIO=4&transport=websocket"), origin: null),
            Is.EqualTo(HttpStatusCode.SwitchingProtocols));
    }

    private static async Task<HttpResponseMessage> GetAsync(FatechatTestServer server, string path, string? origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await server.Client.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    /// <summary>The status a WebSocket handshake was answered with.</summary>
    private static async Task<HttpStatusCode> WebSocketStatusAsync(Uri uri, string? origin)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (WebSocketException)
        {
        }

        return socket.HttpStatusCode;
    }
}
