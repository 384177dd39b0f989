using System.Diagnostics;
using Fatechat.Tests.Cluster;
using Fatechat.Tests.Support;
using StackExchange.Redis;

namespace Fatechat.Tests.Faults;

/// <summary>
/// A <c>redis-server</c> of a fault test's own, on a free loopback port with a data folder of its own and no
/// persistence, so the test can kill it without touching the shared Redis that other tests use. Started again on
/// the same port, it comes back empty, as a Redis without persistence does after a crash.
/// </summary>
internal sealed class OwnRedis : IDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(20);

    private readonly string _folder = Directory.CreateTempSubdirectory("fatechat-fault-redis-").FullName;
    private ClusterProcess? _process;

    private OwnRedis(int port) => Port = port;

    public int Port { get; }

    /// <summary>The configuration string the nodes get.</summary>
    public string Connection => $"127.0.0.1:{Port}";

    public int Pid => _process?.Pid ?? 0;

    public static async Task<OwnRedis> StartAsync()
    {
        var redis = new OwnRedis(FreePort.Next());
        try
        {
            await redis.StartAgainAsync();
            return redis;
        }
        catch
        {
            redis.Dispose();
            throw;
        }
    }

    /// <summary>Starts the server on its port (after <see cref="Kill"/>) and returns once it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException($"redis-server pid {_process.Pid} is still running");
        }

        _process?.Dispose();
        _process = ClusterProcess.Start("redis-server", "redis-server",
            ["--port", $"{Port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _folder, "--loglevel", "warning"],
            _folder);
        var clock = Stopwatch.StartNew();
        while (!await AnswersAsync())
        {
            if (_process.HasExited || clock.Elapsed > StartBound)
            {
                Assert.Fail($"redis-server on port {Port} did not answer within {StartBound.TotalSeconds} s.\n{_process.Output()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL: every connection drops at once and whatever the server held is gone.</summary>
    public void Kill() => _process?.Kill();

    public void Dispose()
    {
        _process?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<bool> AnswersAsync()
    {
        try
        {
            var options = ConfigurationOptions.Parse(Connection);
            options.ConnectTimeout = 1000;
            options.AbortOnConnectFail = true;
            await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
            await redis.GetDatabase().PingAsync();
            return true;
        }
        catch (RedisException)
        {
            return false;
        }
    }
}
