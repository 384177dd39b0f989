using System.Collections;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fatechat.Server;
using Fatechat.Server.Hosting;
using Fatechat.Server.Options;
using Fatechat.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fatechat.Tests.Api;

[TestFixture]
public sealed class ConfigurationTests
{
    private const string RealSecret = "a-deployment-secret-that-is-long-enough-for-hs256";

    [Test]
    public void SampleSecretOutsideDevelopmentRefusesToStart()
    {
        var exception = Assert.ThrowsAsync<OptionsValidationException>(() => FatechatTestServer.StartAsync("--environment", "Production"));
        Assert.That(exception!.Message, Does.Contain("JWT_SECRET"));
    }

    [Test]
    public async Task OwnSecretOutsideDevelopmentStarts()
    {
        await using var server = await FatechatTestServer.StartAsync("--environment", "Production", $"--Fatechat:Jwt:Secret={RealSecret}");
        var (_, token) = await server.RegisterAsync();
        var forgedWithSample = TestTokens.Create(new { userId = 1, userMail = "x@example.test", iss = "fatechat", iat = TestTokens.Now, exp = TestTokens.Now + 60 });

        using var good = server.Request(HttpMethod.Get, "/api/chat", token);
        Assert.That((await server.Client.SendAsync(good)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var sample = server.Request(HttpMethod.Get, "/api/chat", forgedWithSample);
        Assert.That((await server.Client.SendAsync(sample)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("fatechat-compose-secret-change-me-0123456789", Description = "the compose file's former default")]
    [TestCase("fatechat-sample-secret-change-me-before-deploying", Description = "config.json's sample")]
    public void APublishedSecretOutsideDevelopmentRefusesToStart(string published)
    {
        var exception = Assert.ThrowsAsync<OptionsValidationException>(() =>
            FatechatTestServer.StartAsync("--environment", "Production", $"--Fatechat:Jwt:Secret={published}"));
        Assert.That(exception!.Message, Does.Contain("published"));
    }

    [TestCase("                                ", Description = "32 spaces")]
    [TestCase("abababababababababababababababab", Description = "two characters")]
    public void ASecretWithoutVarietyRefusesToStartAnywhere(string weak)
    {
        var exception = Assert.ThrowsAsync<OptionsValidationException>(() => FatechatTestServer.StartAsync($"--Fatechat:Jwt:Secret={weak}"));
        Assert.That(exception!.Message, Does.Contain("distinct characters"));
    }

    [TestCase("00:00:00")]
    [TestCase("31.00:00:00")]
    public void ATokenLifetimeOfNothingOrOverThirtyDaysRefusesToStart(string expiry)
    {
        var exception = Assert.ThrowsAsync<OptionsValidationException>(() => FatechatTestServer.StartAsync($"--Fatechat:Jwt:Expiry={expiry}"));
        Assert.That(exception!.Message, Does.Contain("Expiry"));
    }

    [TestCase(null, true, Description = "the shipped default")]
    [TestCase("false", false)]
    public async Task InlineIOSetsKestrelsInlineScheduling(string? setting, bool inline)
    {
        var transport = await SocketTransportWithAsync("InlineIO", setting);
        Assert.That(transport.UnsafePreferInlineScheduling, Is.EqualTo(inline));
    }

    [TestCase(null, false, Description = "the shipped default: one recvfrom per frame")]
    [TestCase("false", true)]
    public async Task EagerReceiveBufferDecidesWhetherKestrelWaitsForData(string? setting, bool waitsForData)
    {
        var transport = await SocketTransportWithAsync("EagerReceiveBuffer", setting);
        Assert.That(transport.WaitForDataBeforeAllocatingBuffer, Is.EqualTo(waitsForData));
    }

    /// <summary>Kestrel's socket transport options of a server started with <c>Fatechat:Server:{name}</c> set (null: the default).</summary>
    private static async Task<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions> SocketTransportWithAsync(string name, string? setting)
    {
        await using var server = await FatechatTestServer.StartAsync(setting is null ? [] : [$"--Fatechat:Server:{name}={setting}"]);
        return server.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>>().Value;
    }

    [Test]
    public void SecretShorterThan32BytesRefusesToStart()
    {
        Assert.ThrowsAsync<OptionsValidationException>(() => FatechatTestServer.StartAsync("--Fatechat:Jwt:Secret=a_strong_secret_key"));
    }

    [Test]
    public async Task JwtExpiryComesFromConfiguration()
    {
        await using var server = await FatechatTestServer.StartAsync("--Fatechat:Jwt:Expiry=00:01:00");
        using var response = await server.Client.PostAsJsonAsync("/api/register", new { email = $"exp-{Guid.NewGuid():N}@example.test", password = "long enough" });
        var token = (await HttpAssert.IsOkJsonAsync(response)).GetProperty("token").GetString()!;
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        using var json = JsonDocument.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=')));
        Assert.That(json.RootElement.GetProperty("exp").GetInt64() - json.RootElement.GetProperty("iat").GetInt64(), Is.EqualTo(60));
    }

    [Test]
    public void ProviderThisBuildLacksFailsAtStartupNamingTheSetting()
    {
        var exception = Assert.Throws<FatechatConfigurationException>(() => FatechatApp.Build(["--urls", "http://127.0.0.1:0", "--Fatechat:Providers:Bus=carrier-pigeon"]));
        Assert.That(exception!.Message, Does.Contain("Fatechat:Providers:Bus"));
    }

    [Test]
    public void DeploymentEnvironmentNamesSetTheirSettingAndSelectTheirBackend()
    {
        var environment = new Hashtable
        {
            ["PORT"] = "8080",
            ["FATECHAT_NODE_ID"] = "node-b",
            ["JWT_SECRET"] = RealSecret,
            ["MYSQL_CONNECTION"] = "Server=db;Database=chat",
            ["REDIS_CONNECTION"] = "redis:6379",
            ["KAFKA_BOOTSTRAP_SERVERS"] = "kafka:9092",
        };

        var settings = EnvironmentAliases.Read(environment);

        Assert.That(settings["Fatechat:Server:Port"], Is.EqualTo("8080"));
        Assert.That(settings["Fatechat:Server:NodeId"], Is.EqualTo("node-b"));
        Assert.That(settings["Fatechat:Jwt:Secret"], Is.EqualTo(RealSecret));
        Assert.That(settings["Fatechat:Storage:MySqlConnection"], Is.EqualTo("Server=db;Database=chat"));
        Assert.That(settings["Fatechat:Providers:Storage"], Is.EqualTo("mysql"));
        Assert.That(settings["Fatechat:Redis:Connection"], Is.EqualTo("redis:6379"));
        Assert.That(settings["Fatechat:Providers:Cache"], Is.EqualTo("redis"));
        Assert.That(settings["Fatechat:Providers:Presence"], Is.EqualTo("redis"));
        Assert.That(settings["Fatechat:Providers:ClientMessageIds"], Is.EqualTo("redis"));
        Assert.That(settings["Fatechat:Kafka:BootstrapServers"], Is.EqualTo("kafka:9092"));
        Assert.That(settings["Fatechat:Providers:Bus"], Is.EqualTo("kafka"));
    }

    [Test]
    [NonParallelizable]
    public async Task EnvironmentOverridesConfigJsonAndJwtSecretVariableIsAcceptedOutsideDevelopment()
    {
        Environment.SetEnvironmentVariable("FATECHAT__Chat__MessageMaxLength", "123");
        Environment.SetEnvironmentVariable("JWT_SECRET", RealSecret);
        try
        {
            await using var server = await FatechatTestServer.StartAsync("--environment", "Production");
            Assert.That(server.Services.GetRequiredService<IOptions<ChatOptions>>().Value.MessageMaxLength, Is.EqualTo(123));
            Assert.That(server.Services.GetRequiredService<IOptions<JwtOptions>>().Value.Secret, Is.EqualTo(RealSecret));
        }
        finally
        {
            Environment.SetEnvironmentVariable("FATECHAT__Chat__MessageMaxLength", null);
            Environment.SetEnvironmentVariable("JWT_SECRET", null);
        }
    }

    [Test]
    public void NoDeploymentEnvironmentNamesLeaveTheEmbeddedDefaults()
    {
        Assert.That(EnvironmentAliases.Read(new Hashtable { ["MYSQL_CONNECTION"] = "", ["HOME"] = "/root" }), Is.Empty);
    }

    [Test]
    public async Task ConfigJsonAtTheRepositoryRootIsFoundFromTheTestFolder()
    {
        await using var server = await FatechatTestServer.StartAsync();
        var environment = server.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostEnvironment>();
        Assert.That(File.Exists(Path.Combine(environment.ContentRootPath, "config.json")), environment.ContentRootPath);
        var chat = server.Services.GetRequiredService<IOptions<ChatOptions>>().Value;
        Assert.That(chat.MessageMaxLength, Is.EqualTo(4000));
        var node = server.Services.GetRequiredService<IOptions<FatechatOptions>>().Value;
        Assert.That(node.NodeId, Is.Not.Empty, "an empty node id defaults to host name + port");
    }

    [Test]
    public async Task ConfiguredStaticFolderIsServedAtTheRoot()
    {
        var folder = Directory.CreateTempSubdirectory("fatechat-static-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "index.html"), "<!doctype html><title>other frontend</title>");
            await using var server = await FatechatTestServer.StartAsync($"--Fatechat:Server:StaticFolder={folder}");
            using var response = await server.Client.GetAsync("/");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("other frontend"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
