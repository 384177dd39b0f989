using System.Text.Json;
using Fatechat.KafkaMock;
using Fatechat.Tests.Adapters;
using Fatechat.Tests.Adapters.MySql;
using Fatechat.Tests.Interop;
using Fatechat.Tests.Support;
using MySqlConnector;
using StackExchange.Redis;

namespace Fatechat.Tests.Cluster;

/// <summary>
/// Two Fatechat.Server processes on one MariaDB database, one Redis key prefix and one Kafka mock cluster (a process
/// of its own, 3 brokers, 3 partitions), started per test; everything a test started is stopped by PID after it,
/// newest first, and the data it left is removed.
/// </summary>
public abstract class ClusterFixture
{
    private readonly List<IDisposable> _processes = [];
    private MySqlTestDatabase? _database;
    private KafkaMockProcess? _kafka;
    private string _redisPrefix = "";
    private string _redisConnection = "";
    private Dictionary<string, string?> _environment = [];

    /// <summary>The test's Kafka mock cluster (a process of its own), once <see cref="StartTwoNodesAsync"/> has run.</summary>
    private protected KafkaMockProcess Kafka => _kafka ?? throw new InvalidOperationException("no cluster started");

    /// <summary>The test's database, once <see cref="StartTwoNodesAsync"/> has run.</summary>
    private protected MySqlTestDatabase Database => _database ?? throw new InvalidOperationException("no cluster started");

    [TearDown]
    public async Task StopEverything()
    {
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            _processes[i].Dispose();
        }

        _processes.Clear();
        _kafka = null;
        if (_database is not null)
        {
            await _database.DisposeAsync();
            _database = null;
        }

        if (_redisPrefix.Length > 0)
        {
            await DeleteRedisKeysAsync(_redisConnection, _redisPrefix);
            _redisPrefix = "";
        }
    }

    /// <summary>A process the test started, stopped after it.</summary>
    protected void Started(IDisposable process) => _processes.Add(process);

    /// <summary>
    /// The two nodes, one after the other as docker-compose starts them (the first applies the schema migrations).
    /// MariaDB and Redis come from <c>.ci/services.sh</c> (unreachable, they fail the test under CI and ignore it
    /// elsewhere) unless <paramref name="backends"/> names others: a fault test's own instances, which it may stop.
    /// <paramref name="settings"/> are added to every node's environment.
    /// </summary>
    private protected async Task<(FatechatNode A, FatechatNode B)> StartTwoNodesAsync(int presenceTtlSeconds,
        ClusterBackends? backends = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var redis = backends?.Redis ?? RealServices.RequireRedis();
        _redisConnection = redis;
        _database = await MySqlTestDatabase.CreateAsync(backends?.MySqlServer);
        await InteropPaths.EnsureNodeModulesAsync().WaitAsync(TimeSpan.FromMinutes(6));
        var kafka = await KafkaMockProcess.StartAsync(brokers: 3, ["chat-messages", "chat-events"], partitions: 3);
        Started(kafka);
        _kafka = kafka;
        TestContext.Out.WriteLine($"kafka mock: pid {kafka.ProcessId}, {kafka.BootstrapServers}");

        _redisPrefix = $"fatechat-cluster-{Guid.NewGuid():N}:";
        _environment = NodeEnvironment(_database.ConnectionString, redis, kafka.BootstrapServers, _redisPrefix, presenceTtlSeconds);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _environment[key] = value;
        }

        var nodeA = await StartNodeAsync("cluster-a");
        var nodeB = await StartNodeAsync("cluster-b");
        return (nodeA, nodeB);
    }

    /// <summary>The environment of a cluster node as the tests run it.</summary>
    private static Dictionary<string, string?> NodeEnvironment(string database, string redis, string kafka, string redisPrefix, int presenceTtlSeconds) => new()
    {
        ["MYSQL_CONNECTION"] = database,
        ["REDIS_CONNECTION"] = redis,
        ["KAFKA_BOOTSTRAP_SERVERS"] = kafka,
        ["JWT_SECRET"] = $"cluster-test-secret-{Guid.NewGuid():N}",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["FATECHAT__Redis__KeyPrefix"] = redisPrefix,
        // A dead node's presence expires after this; its persistence partitions move after the session timeout.
        ["FATECHAT__Redis__PresenceTtlSeconds"] = $"{presenceTtlSeconds}",
        ["FATECHAT__Kafka__SessionTimeoutMs"] = "6000",
        ["FATECHAT__Kafka__FetchWaitMaxMs"] = "10",
        ["FATECHAT__Auth__BcryptWorkFactor"] = "4",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    /// <summary>
    /// Another node of the cluster started by <see cref="StartTwoNodesAsync"/>, on a free port or on
    /// <paramref name="port"/> (a node restarted with its id and address, as an orchestrator restarts it).
    /// </summary>
    private protected async Task<FatechatNode> StartNodeAsync(string nodeId, int? port = null)
    {
        if (_environment.Count == 0)
        {
            throw new InvalidOperationException("no cluster started");
        }

        var node = await FatechatNode.StartAsync(nodeId, port ?? FreePort.Next(), _environment);
        Started(node);
        TestContext.Out.WriteLine($"node {nodeId}: pid {node.Pid} at {node.BaseAddress}");
        return node;
    }

    private static async Task DeleteRedisKeysAsync(string connection, string prefix)
    {
        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(connection);
            var database = redis.GetDatabase();
            foreach (var server in redis.GetServers())
            {
                await foreach (var key in server.KeysAsync(pattern: prefix + "*"))
                {
                    await database.KeyDeleteAsync(key);
                }
            }
        }
        catch (RedisException e)
        {
            TestContext.Out.WriteLine($"could not delete Redis keys {prefix}*: {e.Message}");
        }
    }

    /// <summary>A phase line of a phase script (<c>node/phases.mjs</c>).</summary>
    private protected static bool IsPhase(string line) => line.StartsWith("{\"phase\":", StringComparison.Ordinal);

    /// <summary>The phase line as JSON; fails the test, with the script's output, when it is another phase.</summary>
    private protected static JsonElement Phase(string line, string expected, ClusterProcess clients)
    {
        var element = JsonDocument.Parse(line).RootElement.Clone();
        var phase = element.GetProperty("phase").GetString();
        if (phase != expected)
        {
            Assert.Fail($"client script reported {phase} instead of {expected}: {line}\n{clients.Output()}");
        }

        return element;
    }

    private protected static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
