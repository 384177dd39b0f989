using System.Text.RegularExpressions;
using Fatechat.Server.Options;
using MySqlConnector;
using StackExchange.Redis;

namespace Fatechat.Tests.Deployment;

/// <summary>
/// docker-compose.yml and deploy/nginx.conf, checked without a Docker engine: the stack is complete, every node is
/// configured through names the server reads (config.json keys and its environment aliases), connection strings
/// point at the compose services, start-up waits for healthy backends, and nginx keeps sessions sticky and passes
/// WebSocket upgrades.
/// </summary>
[TestFixture]
public sealed partial class ComposeFileTests
{
    private static readonly string[] Backends = ["kafka", "redis", "mysql"];

    private ComposeFile _compose = null!;
    private string _nginx = "";

    [OneTimeSetUp]
    public void Load()
    {
        _compose = DeploymentFiles.Compose();
        _nginx = File.ReadAllText(DeploymentFiles.PathOf("deploy", "nginx.conf"));
    }

    private IEnumerable<ComposeService> Nodes => _compose.Services.Values.Where(s => s.Dockerfile == "DockerfileServer");

    [Test]
    public void ComposeDefinesTheWholeStackWithKafkaInKRaftMode()
    {
        Assert.That(_compose.Services.Keys, Is.SupersetOf(new[] { "kafka", "redis", "mysql", "fatechat-1", "fatechat-2", "nginx" }));
        Assert.That(Nodes.Select(n => n.Name), Is.EquivalentTo(new[] { "fatechat-1", "fatechat-2" }), "the nodes are the services built from DockerfileServer");

        var kafka = _compose.Services["kafka"];
        Assert.That(kafka.Image, Does.StartWith("apache/kafka:"));
        Assert.That(kafka.Environment["KAFKA_PROCESS_ROLES"], Does.Contain("controller"), "KRaft: the broker is its own controller");
        Assert.That(_compose.Services.Values.Select(s => s.Image ?? ""), Has.None.Contains("zookeeper"));
        Assert.That(_compose.Services["mysql"].Image, Does.StartWith("mysql:8"));
        Assert.That(File.Exists(DeploymentFiles.PathOf("DockerfileServer")));
    }

    [Test]
    public void EveryNodeSetsEachEnvironmentNameTheServerReads()
    {
        var aliases = DeploymentFiles.AliasVariables();
        Assert.That(aliases, Is.SupersetOf(new[] { "PORT", "FATECHAT_NODE_ID", "MYSQL_CONNECTION", "REDIS_CONNECTION", "KAFKA_BOOTSTRAP_SERVERS", "JWT_SECRET" }),
            "the names the issue promises deployments");
        var configKeys = DeploymentFiles.ConfigKeys();

        foreach (var node in Nodes)
        {
            Assert.That(node.Environment.Keys, Is.SupersetOf(aliases), $"{node.Name} sets every alias");
            foreach (var variable in node.Environment.Keys.Except(aliases))
            {
                // Case-insensitive, as configuration is: FATECHAT__Server__X sets Fatechat:Server:X.
                Assert.That(configKeys, Does.Contain(DeploymentFiles.ConfigKeyOf(variable)).IgnoreCase,
                    $"{node.Name}: {variable} is neither an alias nor Section__Key of a config.json setting");
            }

            var settings = DeploymentFiles.SettingsFrom(node.Environment);
            foreach (var key in settings.Keys)
            {
                Assert.That(configKeys, Does.Contain(key), $"{node.Name}: an alias sets {key}, which config.json does not have");
            }

            Assert.That(settings["Fatechat:Providers:Storage"], Is.EqualTo(ProvidersOptions.MySql), node.Name);
            Assert.That(settings["Fatechat:Providers:Bus"], Is.EqualTo(ProvidersOptions.Kafka), node.Name);
            Assert.That(settings["Fatechat:Providers:Cache"], Is.EqualTo(ProvidersOptions.Redis), node.Name);
            Assert.That(settings["Fatechat:Providers:Presence"], Is.EqualTo(ProvidersOptions.Redis), node.Name);
        }
    }

    [Test]
    public void NodesHaveTheirOwnIdsAndListenWhereNginxSendsRequests()
    {
        var nodes = Nodes.ToList();
        var ids = nodes.Select(n => DeploymentFiles.SettingsFrom(n.Environment)["Fatechat:Server:NodeId"]).ToList();
        Assert.That(ids, Is.Unique.And.None.Empty, "each node needs its own delivery group and presence entries");

        var upstream = UpstreamServers();
        Assert.That(upstream.Keys, Is.EquivalentTo(nodes.Select(n => n.Name)), "nginx balances over exactly the compose nodes");
        foreach (var node in nodes)
        {
            var port = DeploymentFiles.SettingsFrom(node.Environment)["Fatechat:Server:Port"];
            Assert.That(upstream[node.Name], Is.EqualTo(port), $"nginx sends {node.Name} requests to the port it listens on");
        }
    }

    [Test]
    public void ConnectionSettingsPointAtTheComposeServices()
    {
        var mysql = _compose.Services["mysql"].Environment;
        var kafkaListeners = ComposeFile.WithDefaults(_compose.Services["kafka"].Environment["KAFKA_ADVERTISED_LISTENERS"]);
        foreach (var node in Nodes)
        {
            var settings = DeploymentFiles.SettingsFrom(node.Environment);

            var database = new MySqlConnectionStringBuilder(settings["Fatechat:Storage:MySqlConnection"]!);
            Assert.That(database.Server, Is.EqualTo("mysql"), node.Name);
            Assert.That(database.Database, Is.EqualTo(mysql["MYSQL_DATABASE"]), node.Name);
            Assert.That(database.UserID, Is.EqualTo(mysql["MYSQL_USER"]), node.Name);
            Assert.That(database.Password, Is.EqualTo(ComposeFile.WithDefaults(mysql["MYSQL_PASSWORD"])), node.Name);

            var redis = ConfigurationOptions.Parse(settings["Fatechat:Redis:Connection"]!);
            Assert.That(redis.EndPoints.Select(e => e is System.Net.DnsEndPoint dns ? dns.Host : e.ToString()), Is.EqualTo(new[] { "redis" }), node.Name);

            foreach (var server in settings["Fatechat:Kafka:BootstrapServers"]!.Split(','))
            {
                Assert.That(kafkaListeners, Does.Contain("//" + server.Trim()), $"{node.Name}: {server} is an advertised Kafka listener");
            }

            Assert.That(settings["Fatechat:Jwt:Secret"], Is.Not.EqualTo(DeploymentFiles.Config()["Fatechat:Jwt:Secret"]),
                $"{node.Name} must not run on the sample secret");
        }
    }

    /// <summary>A default secret in a published file is a secret anyone has: compose must refuse to run without them.</summary>
    [Test]
    public void SecretsHaveNoDefaultAndAreRequired()
    {
        var text = File.ReadAllText(Path.Combine(Interop.InteropPaths.RepoRoot, "docker-compose.yml"));
        foreach (var secret in new[] { "JWT_SECRET", "MYSQL_PASSWORD", "MYSQL_ROOT_PASSWORD" })
        {
            var uses = System.Text.RegularExpressions.Regex.Matches(text, @"\$\{" + secret + @"(?<rest>[^}]*)\}");
            Assert.That(uses, Is.Not.Empty, secret);
            foreach (System.Text.RegularExpressions.Match use in uses)
            {
                Assert.That(use.Groups["rest"].Value, Does.StartWith(":?"), $"{use.Value}: required, no default");
            }
        }
    }

    [Test]
    public void NodesStartOnlyOnceTheirBackendsAreHealthy()
    {
        foreach (var backend in Backends)
        {
            Assert.That(_compose.Services[backend].HasHealthCheck, $"{backend} has a health check to wait for");
        }

        foreach (var node in Nodes)
        {
            Assert.That(node.DependsOn.Keys, Is.SupersetOf(Backends), node.Name);
            foreach (var backend in Backends)
            {
                Assert.That(node.DependsOn[backend], Is.EqualTo("service_healthy"), $"{node.Name} waits for {backend}");
            }
        }

        var nginx = _compose.Services["nginx"];
        Assert.That(nginx.DependsOn.Keys, Is.SupersetOf(Nodes.Select(n => n.Name)));
    }

    [Test]
    public void NginxPublishesTheServersPortAndMountsItsConfiguration()
    {
        var nginx = _compose.Services["nginx"];
        var configuredPort = DeploymentFiles.Config()["Fatechat:Server:Port"];
        var listen = ListenPort().Match(_nginx);
        Assert.That(listen.Success, "nginx.conf has a listen directive");
        Assert.That(nginx.Ports, Does.Contain($"{configuredPort}:{listen.Groups["port"].Value}"),
            "the stack answers on the port a single server would (config.json), forwarded to nginx's listen port");
        Assert.That(nginx.Volumes, Has.Some.StartsWith("./deploy/nginx.conf:/etc/nginx/nginx.conf"));
    }

    [Test]
    public void NginxKeepsSessionsStickyAndPassesWebSocketUpgrades()
    {
        var upstream = UpstreamBlock().Match(_nginx);
        Assert.That(upstream.Success, "nginx.conf has an upstream block");
        Assert.That(upstream.Value, Does.Match(@"\b(ip_hash|hash\s+\S+\s+consistent|sticky)\b"),
            "long-polling needs every request of a session on one node");
        Assert.That(_nginx, Does.Match(@"proxy_http_version\s+1\.1\s*;"));
        Assert.That(_nginx, Does.Match(@"proxy_set_header\s+Upgrade\s+\$http_upgrade\s*;"));

        var connection = Regex.Match(_nginx, @"proxy_set_header\s+Connection\s+(?<value>\S+?)\s*;");
        Assert.That(connection.Success, "the Connection header is set");
        var value = connection.Groups["value"].Value.Trim('"');
        if (value.StartsWith('$'))
        {
            // A map from $http_upgrade: its default must be "upgrade".
            var map = Regex.Match(_nginx, @"map\s+\$http_upgrade\s+" + Regex.Escape(value) + @"\s*\{(?<body>[^}]*)\}");
            Assert.That(map.Success, $"{value} is defined by a map of $http_upgrade");
            Assert.That(map.Groups["body"].Value, Does.Match(@"default\s+upgrade\s*;"));
        }
        else
        {
            Assert.That(value, Is.EqualTo("upgrade").IgnoreCase);
        }
    }

    /// <summary>
    /// The nodes read X-Forwarded-For from nginx alone (its fixed address), and nginx writes the address it saw
    /// rather than appending to what the client sent: a client cannot choose its rate-limit key.
    /// </summary>
    [Test]
    public void NodesTrustForwardedHeadersOnlyFromNginxWhichWritesTheAddressItSaw()
    {
        var text = File.ReadAllText(DeploymentFiles.PathOf("docker-compose.yml"));
        var nginxAddress = Regex.Match(text, @"ipv4_address:\s*(?<ip>[\d.]+)");
        Assert.That(nginxAddress.Success, "nginx has a fixed address");
        foreach (var node in Nodes)
        {
            Assert.That(node.Environment.GetValueOrDefault("FATECHAT__Server__TrustedProxies"), Is.EqualTo(nginxAddress.Groups["ip"].Value), node.Name);
        }

        Assert.That(_nginx, Does.Match(@"proxy_set_header\s+X-Forwarded-For\s+\$remote_addr\s*;"));
    }

    /// <summary>Upstream server host → port, from nginx.conf.</summary>
    private Dictionary<string, string> UpstreamServers() => UpstreamServer().Matches(UpstreamBlock().Match(_nginx).Value)
        .ToDictionary(m => m.Groups["host"].Value, m => m.Groups["port"].Value);

    [GeneratedRegex(@"upstream\s+\S+\s*\{[^}]*\}")]
    private static partial Regex UpstreamBlock();

    [GeneratedRegex(@"^\s*server\s+(?<host>[\w.-]+):(?<port>\d+)", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"^\s*listen\s+(?<port>\d+)", RegexOptions.Multiline)]
    private static partial Regex ListenPort();
}
