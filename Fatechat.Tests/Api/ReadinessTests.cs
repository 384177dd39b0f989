using System.Net;
using System.Text.Json;
using Fatechat.Tests.Adapters;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Api;

/// <summary>
/// <c>/health</c> says the process serves; <c>/ready</c> says whether each configured backend answers, and names
/// the one that does not (503), as orchestrators and balancers expect.
/// </summary>
[TestFixture]
public sealed class ReadinessTests
{
    [Test]
    public async Task EmbeddedBackendsAreReady()
    {
        await using var server = await FatechatTestServer.StartAsync();
        var (status, body) = await ReadyAsync(server);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("ready"));
        Assert.That(body.GetProperty("checks").GetProperty("storage").GetString(), Is.EqualTo("ok"));
        Assert.That(body.TryGetProperty("error", out _), Is.False);
    }

    [Test]
    public async Task RealRedisAnswersAndIsReady()
    {
        var redis = RealServices.RequireRedis();
        await using var server = await FatechatTestServer.StartAsync(RedisArgs(redis, $"fatechat-ready-{Guid.NewGuid():N}:"));
        var (status, body) = await ReadyAsync(server);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        Assert.That(body.GetProperty("checks").GetProperty("redis").GetString(), Is.EqualTo("ok"));
    }

    [Test]
    public async Task AnUnreachableRedisIsNamedWith503WhileHealthStaysOk()
    {
        await using var server = await FatechatTestServer.StartAsync(RedisArgs("127.0.0.1:1,connectTimeout=500", "fatechat-ready-down:"));
        var (status, body) = await ReadyAsync(server);
        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body.ToString());
        Assert.That(body.GetProperty("error").GetString(), Is.EqualTo("not ready: redis"));
        Assert.That(body.GetProperty("checks").GetProperty("redis").GetString(), Is.Not.EqualTo("ok"));
        Assert.That(body.GetProperty("checks").GetProperty("storage").GetString(), Is.EqualTo("ok"));

        using var health = await server.Client.GetAsync("/health");
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK), "alive, only not ready");
    }

    private static string[] RedisArgs(string connection, string prefix) =>
    [
        $"--Fatechat:Redis:Connection={connection}",
        $"--Fatechat:Redis:KeyPrefix={prefix}",
        "--Fatechat:Providers:Cache=redis",
        "--Fatechat:Providers:Presence=redis",
        "--Fatechat:Providers:ClientMessageIds=redis",
    ];

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(FatechatTestServer server)
    {
        using var response = await server.Client.GetAsync("/ready");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }
}
