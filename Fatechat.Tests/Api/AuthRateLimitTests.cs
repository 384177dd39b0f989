using System.Net;
using System.Net.Http.Json;
using Fatechat.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Fatechat.Tests.Api;

/// <summary>
/// Login and registration limits over real HTTP: per client address (the rate-limiting middleware) and per
/// account (the e-mail in the body). Each refusal is 429 with Retry-After and <c>{"error"}</c>; a client at
/// another address (127.0.0.2) or for another account is not affected. Small limits keep the waits short.
/// </summary>
[TestFixture]
public sealed class AuthRateLimitTests
{
    private const string Password = "correct horse";

    private static async Task<string> RegisterAsync(HttpClient client, string prefix)
    {
        var email = $"{prefix}-{Guid.NewGuid():N}@example.test";
        using var response = await client.PostAsJsonAsync("/api/register", new { email, password = Password });
        await HttpAssert.IsOkJsonAsync(response);
        return email;
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password = Password) =>
        client.PostAsJsonAsync("/api/login", new { email, password });

    /// <summary>The refusal: 429, Retry-After in whole seconds, the JSON error; returns the seconds.</summary>
    private static async Task<int> IsRateLimitedAsync(HttpResponseMessage response, string what)
    {
        var error = await HttpAssert.IsErrorAsync(response, HttpStatusCode.TooManyRequests);
        Assert.That(error, Does.StartWith("Too many attempts; try again in "), what);
        Assert.That(response.Headers.TryGetValues("Retry-After", out var values), what + ": Retry-After");
        var seconds = int.Parse(values!.Single());
        Assert.That(seconds, Is.InRange(1, 3600), what);
        return seconds;
    }

    [Test]
    public async Task FailedLoginsBlockTheAccountUntilRetryAfterWhileOtherAccountsAndSuccessesAreNotCounted()
    {
        var logs = new CapturedLogs(LogLevel.Information);
        await using var server = await FatechatTestServer.StartAsync(logs, "--Logging:LogLevel:Fatechat.Server=Information",
            "--Fatechat:RateLimits:LoginFailuresPerAccount:PermitLimit=3", "--Fatechat:RateLimits:LoginFailuresPerAccount:WindowSeconds=3");
        var victim = await RegisterAsync(server.Client, "victim");
        var neighbour = await RegisterAsync(server.Client, "neighbour");

        for (int i = 0; i < 5; i++)
        {
            using var ok = await LoginAsync(server.Client, victim);
            await HttpAssert.IsOkJsonAsync(ok); // successful logins use none of the budget
        }

        for (int i = 0; i < 3; i++)
        {
            using var wrong = await LoginAsync(server.Client, victim.ToUpperInvariant(), "wrong password " + i);
            await HttpAssert.IsErrorAsync(wrong, HttpStatusCode.Unauthorized);
        }

        using var blocked = await LoginAsync(server.Client, " " + victim + " ");
        var retryAfter = await IsRateLimitedAsync(blocked, "the right password of a blocked account, in another spelling of its e-mail");
        Assert.That(retryAfter, Is.EqualTo(1), "one token comes back every WindowSeconds / PermitLimit = 1 s");

        using (var other = await LoginAsync(server.Client, neighbour))
        {
            await HttpAssert.IsOkJsonAsync(other); // same address, another account
        }

        await Task.Delay(TimeSpan.FromSeconds(retryAfter) + TimeSpan.FromMilliseconds(300));
        using var again = await LoginAsync(server.Client, victim);
        await HttpAssert.IsOkJsonAsync(again);

        var failed = logs.Entries.Where(e => e.Message.StartsWith("Login failed for ")).ToList();
        Assert.That(failed, Has.Count.EqualTo(3), "one Information line per failed login");
        Assert.That(failed, Has.All.Matches<CapturedLogs.Entry>(e => e.Level == LogLevel.Information
            && e.Message == $"Login failed for {victim} from 127.0.0.1: wrong password"));
        Assert.That(logs.Entries.Where(e => e.Message.Contains("wrong password 0") || e.Message.Contains(Password)), Is.Empty, "no password in the log");
        var limited = logs.Entries.Where(e => e.Message.StartsWith("Rate limit login-failures-per-account refused")).ToList();
        Assert.That(limited, Has.Count.EqualTo(1));
        Assert.That(limited[0].Message, Does.Contain(victim).And.Contain("from 127.0.0.1"));
        Assert.That(await RefusalsCountedAsync(server.Client, "login-failures-per-account"), Is.GreaterThanOrEqualTo(1),
            "the refusal is counted in /metrics");
    }

    /// <summary>The <c>fatechat_rate_limit_refusals_total</c> series of <paramref name="limit"/> in <c>/metrics</c> (0 when absent).</summary>
    private static async Task<double> RefusalsCountedAsync(HttpClient client, string limit)
    {
        var text = await client.GetStringAsync("/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("fatechat_rate_limit_refusals_total{", StringComparison.Ordinal)
                                                        && l.Contains($"limit=\"{limit}\"", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Test]
    public async Task LoginsFromOneAddressAreLimitedAndASpoofedForwardedForDoesNotChangeTheKey()
    {
        await using var server = await FatechatTestServer.StartAsync("--Fatechat:RateLimits:LoginPerIp:PermitLimit=4");
        var email = await RegisterAsync(server.Client, "crowd");
        for (int i = 0; i < 4; i++)
        {
            using var ok = await LoginAsync(server.Client, email);
            await HttpAssert.IsOkJsonAsync(ok);
        }

        using var refused = await LoginAsync(server.Client, email);
        Assert.That(await IsRateLimitedAsync(refused, "the fifth login from 127.0.0.1"), Is.EqualTo(15), "one token per 60 s / 4");

        // No proxy is trusted by default: what the client says about its address is not its key.
        foreach (var spoofed in new[] { "203.0.113.9", "198.51.100.7, 203.0.113.10" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/login") { Content = JsonContent.Create(new { email, password = Password }) };
            request.Headers.Add("X-Forwarded-For", spoofed);
            using var response = await server.Client.SendAsync(request);
            await IsRateLimitedAsync(response, $"X-Forwarded-For: {spoofed} from an untrusted peer");
        }

        using var neighbour = LoopbackClient.From("127.0.0.2", server.BaseAddress);
        using var fromElsewhere = await LoginAsync(neighbour, email);
        await HttpAssert.IsOkJsonAsync(fromElsewhere);
    }

    /// <summary>Behind a trusted proxy (127.0.0.1 here, nginx in compose) the key is the address it forwarded, and only its own.</summary>
    [Test]
    public async Task BehindATrustedProxyTheForwardedClientIsTheKey()
    {
        await using var server = await FatechatTestServer.StartAsync("--Fatechat:RateLimits:LoginPerIp:PermitLimit=2",
            "--Fatechat:Server:TrustedProxies=127.0.0.1");
        var email = await RegisterAsync(server.Client, "proxied");

        async Task<HttpResponseMessage> ViaProxy(HttpClient client, string forwardedFor)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/login") { Content = JsonContent.Create(new { email, password = Password }) };
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            return await client.SendAsync(request);
        }

        for (int i = 0; i < 2; i++)
        {
            using var ok = await ViaProxy(server.Client, "203.0.113.1");
            await HttpAssert.IsOkJsonAsync(ok);
        }

        using (var refused = await ViaProxy(server.Client, "203.0.113.1"))
        {
            await IsRateLimitedAsync(refused, "the forwarded client's third login");
        }

        using (var spoofedLeft = await ViaProxy(server.Client, "192.0.2.50, 203.0.113.1"))
        {
            await IsRateLimitedAsync(spoofedLeft, "an address the client prepended is never read: the proxy's entry is the rightmost");
        }

        using (var another = await ViaProxy(server.Client, "203.0.113.2"))
        {
            await HttpAssert.IsOkJsonAsync(another); // another client behind the same proxy
        }

        // 127.0.0.2 is not a trusted proxy: its X-Forwarded-For is ignored and its own address is the key.
        using var untrusted = LoopbackClient.From("127.0.0.2", server.BaseAddress);
        for (int i = 0; i < 2; i++)
        {
            using var ok = await ViaProxy(untrusted, "203.0.113.1");
            await HttpAssert.IsOkJsonAsync(ok);
        }
    }

    [TestCase("nginx")]
    [TestCase("10.0.0.0/33")]
    public void ATrustedProxyThatIsNoAddressStopsStartUp(string entry)
    {
        var error = Assert.Throws<Fatechat.Server.Hosting.FatechatConfigurationException>(() =>
            Fatechat.Server.FatechatApp.Build(["--urls", "http://127.0.0.1:0", $"--Fatechat:Server:TrustedProxies=10.0.0.1, {entry}"]));
        Assert.That(error!.Message, Does.Contain($"'{entry}'"));
    }

    [Test]
    public async Task RegistrationIsLimitedPerAddressAndPerEmail()
    {
        await using var server = await FatechatTestServer.StartAsync("--Fatechat:RateLimits:RegisterPerIp:PermitLimit=4",
            "--Fatechat:RateLimits:RegisterPerAccount:PermitLimit=2");
        var email = await RegisterAsync(server.Client, "once");
        using (var taken = await server.Client.PostAsJsonAsync("/api/register", new { email, password = Password }))
        {
            await HttpAssert.IsErrorAsync(taken, HttpStatusCode.Conflict);
        }

        using (var third = await server.Client.PostAsJsonAsync("/api/register", new { email = email.ToUpperInvariant(), password = Password }))
        {
            await IsRateLimitedAsync(third, "a third registration of one address");
        }

        await RegisterAsync(server.Client, "fourth");
        using (var fifth = await server.Client.PostAsJsonAsync("/api/register", new { email = $"fifth-{Guid.NewGuid():N}@example.test", password = Password }))
        {
            Assert.That(await IsRateLimitedAsync(fifth, "the fifth registration from 127.0.0.1"), Is.EqualTo(900), "one per 3600 s / 4");
        }

        using var neighbour = LoopbackClient.From("127.0.0.2", server.BaseAddress);
        await RegisterAsync(neighbour, "elsewhere");
    }
}
