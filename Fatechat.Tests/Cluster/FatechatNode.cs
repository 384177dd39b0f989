using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fatechat.Tests.Interop;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Cluster;

/// <summary>
/// One Fatechat.Server process (the built Fatechat.Server.dll beside the tests, run with <c>dotnet</c>) configured
/// the way a deployment configures it: through the environment names docker-compose uses.
/// </summary>
internal sealed class FatechatNode : IDisposable
{
    private readonly ClusterProcess _process;

    private FatechatNode(ClusterProcess process, string nodeId, int port)
    {
        _process = process;
        NodeId = nodeId;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string NodeId { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public int Pid => _process.Pid;

    public bool HasExited => _process.HasExited;

    public int Port => BaseAddress.Port;

    /// <summary>The server process itself, for signals and exit codes.</summary>
    public ClusterProcess Process => _process;

    /// <summary>Starts the node and returns once it answers HTTP: by then its hosted services (migrations, Kafka groups) have started.</summary>
    public static async Task<FatechatNode> StartAsync(string nodeId, int port, IReadOnlyDictionary<string, string?> environment)
    {
        var settings = new Dictionary<string, string?>(environment)
        {
            ["PORT"] = port.ToString(),
            ["FATECHAT_NODE_ID"] = nodeId,
            ["FATECHAT__Server__Host"] = "127.0.0.1",
            // Listen where PORT says, whatever the test process's own environment holds.
            ["ASPNETCORE_URLS"] = null,
            ["URLS"] = null,
            ["DOTNET_URLS"] = null,
        };
        // Every client of these tests is 127.0.0.1 and sends as fast as it can: the limits are tested elsewhere.
        foreach (var limit in new[] { "LoginPerIp__PermitLimit", "RegisterPerIp__PermitLimit", "SocketMessages__PerSecond", "SocketOtherEvents__PerSecond" })
        {
            settings.TryAdd("FATECHAT__RateLimits__" + limit, "0");
        }

        var server = Path.Combine(AppContext.BaseDirectory, "Fatechat.Server.dll");
        var process = ClusterProcess.Start($"node {nodeId}", "dotnet", [server], InteropPaths.RepoRoot, settings);
        var node = new FatechatNode(process, nodeId, port);
        try
        {
            await node.WaitUntilServingAsync(TimeSpan.FromSeconds(90));
            return node;
        }
        catch
        {
            node.Dispose();
            throw;
        }
    }

    public async Task<string> RegisterAsync(string email)
    {
        using var response = await Http.PostAsJsonAsync("/api/register", new { email, password = "correct horse battery" });
        await EnsureSuccessAsync(response, "register");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    public async Task<JsonElement> CreateRoomAsync(string token, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { name }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        await EnsureSuccessAsync(response, "create room");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> GetAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        await EnsureSuccessAsync(response, $"GET {path}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>SIGKILL: the node gets no chance to leave its groups or withdraw its presence.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGTERM: the node's graceful stop, as an orchestrator asks for it.</summary>
    public bool Terminate() => _process.Signal(PosixSignals.Terminate);

    public string Output() => _process.Output();

    /// <summary>How many lines the node has logged so far (the console logger writes to stdout).</summary>
    public int LogLines => _process.StdoutLines;

    public void Dispose()
    {
        Http.Dispose();
        _process.Dispose();
    }

    private async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            try
            {
                // Any answer will do (401 without a token): Kestrel listens only after the hosted services started.
                using var response = await probe.GetAsync("/api/chat");
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Fatechat node {NodeId} did not serve {BaseAddress} within {timeout.TotalSeconds} s (exited: {_process.HasExited}).\n{_process.Output()}");
            }

            await Task.Delay(100);
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail($"{what} on node {NodeId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
