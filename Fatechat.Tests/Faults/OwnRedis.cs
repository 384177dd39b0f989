using Fatechat.Tests.Support;
using StackExchange.Redis;

namespace Fatechat.Tests.Faults;

/// <summary>
/// A <c>redis-server</c> of a fault test's own, on a free loopback port with a data folder of its own and no
/// persistence, so the test can kill it without touching the shared Redis that other tests use. Started again on
/// the same port, it comes back empty, as a Redis without persistence does after a crash.
/// </summary>
internal sealed class OwnRedis : OwnServer
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(20);

    private OwnRedis(int port)
        : base("redis") => Port = port;

    public int Port { get; }

    /// <summary>The configuration string the nodes get.</summary>
    public string Connection => $"127.0.0.1:{Port}";

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

    /// <summary>Starts the server on its port (after <see cref="OwnServer.Kill"/>) and returns once it answers PING.</summary>
    public Task StartAgainAsync() => StartProcessAsync("redis-server",
        ["--port", $"{Port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", Folder, "--loglevel", "warning"],
        AnswersAsync, StartBound);

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
