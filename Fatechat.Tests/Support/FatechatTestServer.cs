using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fatechat.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fatechat.Tests.Support;

/// <summary>
/// The real server on Kestrel, 127.0.0.1 and a free port, with its own SQLite file in a temp folder.
/// BCrypt runs at its lowest cost so that registering users stays fast. The per-address and per-socket rate
/// limits are off, since every test client is 127.0.0.1 and many send fast; the tests of the limits set their own.
/// </summary>
public sealed class FatechatTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _folder;

    private FatechatTestServer(WebApplication app, string folder, Uri address)
    {
        _app = app;
        _folder = folder;
        BaseAddress = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static Task<FatechatTestServer> StartAsync(params string[] extraArgs) => StartAsync(configure: null, extraArgs);

    /// <summary>As <see cref="StartAsync(string[])"/>, with what the server logs also going to <paramref name="logs"/>.</summary>
    public static Task<FatechatTestServer> StartAsync(CapturedLogs logs, params string[] extraArgs) =>
        StartAsync(builder => builder.Logging.AddProvider(logs), extraArgs);

    /// <summary>Starts the server with <paramref name="configure"/> applied to its builder (e.g. a log provider of the test's).</summary>
    public static async Task<FatechatTestServer> StartAsync(Action<WebApplicationBuilder>? configure, params string[] extraArgs)
    {
        var folder = Path.Combine(Path.GetTempPath(), "fatechat-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--environment", "Development",
            $"--Fatechat:Storage:SqlitePath={Path.Combine(folder, "fatechat.db")}",
            "--Fatechat:Auth:BcryptWorkFactor=4",
            // Leaves are announced this long after the last socket went; tests of the grace itself set their own.
            "--Fatechat:Chat:ReconnectGraceMs=200",
            "--Logging:LogLevel:Default=Warning",
            "--Fatechat:RateLimits:LoginPerIp:PermitLimit=0",
            "--Fatechat:RateLimits:RegisterPerIp:PermitLimit=0",
            "--Fatechat:RateLimits:SocketMessages:PerSecond=0",
            "--Fatechat:RateLimits:SocketOtherEvents:PerSecond=0",
            .. extraArgs,
        ];
        var app = FatechatApp.Build(args, configure);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FatechatTestServer(app, folder, new Uri(address));
    }

    /// <summary>Registers a fresh user with a unique e-mail and returns its e-mail and token.</summary>
    public async Task<(string Email, string Token)> RegisterAsync(string prefix = "user")
    {
        var email = $"{prefix}-{Guid.NewGuid():N}@example.test";
        using var response = await Client.PostAsJsonAsync("/api/register", new { email, password = "correct horse" });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (email, body.GetProperty("token").GetString()!);
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string? token, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
