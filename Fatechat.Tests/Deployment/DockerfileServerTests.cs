using System.Text.RegularExpressions;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Deployment;

/// <summary>
/// DockerfileServer read as text (no Docker engine here): an SDK build stage and an ASP.NET runtime stage, a
/// non-root user, the port config.json names, and a health check on a path the server really answers.
/// </summary>
[TestFixture]
public sealed partial class DockerfileServerTests
{
    private List<(string Instruction, string Arguments)> _instructions = null!;

    [OneTimeSetUp]
    public void Load() => _instructions = Parse(File.ReadAllText(DeploymentFiles.PathOf("DockerfileServer")));

    /// <summary>The instructions of the last stage, the one that becomes the image.</summary>
    private List<(string Instruction, string Arguments)> RuntimeStage =>
        _instructions.Skip(_instructions.FindLastIndex(i => i.Instruction == "FROM")).ToList();

    /// <summary>
    /// The runtime settings the build writes (publish writes the same file): no TieredPGO, whose instrumented tier
    /// cost a fresh node ~45 % more CPU per delivery over its first seconds (bench cold-start).
    /// </summary>
    [Test]
    public void TheServerRunsWithoutTheInstrumentedTier()
    {
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fatechat.Server.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.That(properties.GetProperty("System.Runtime.TieredPGO").GetBoolean(), Is.False);
    }

    [Test]
    public void BuildsWithTheSdkAndRunsOnTheAspNetRuntime()
    {
        var stages = _instructions.Where(i => i.Instruction == "FROM").Select(i => i.Arguments).ToList();
        Assert.That(stages, Has.Count.GreaterThanOrEqualTo(2), "multi-stage");
        Assert.That(stages[0], Does.StartWith("mcr.microsoft.com/dotnet/sdk:"));
        Assert.That(stages[^1], Does.StartWith("mcr.microsoft.com/dotnet/aspnet:"));
        Assert.That(RuntimeStage, Has.Some.Matches<(string Instruction, string Arguments)>(i => i.Instruction == "COPY" && i.Arguments.Contains("--from=")),
            "the runtime stage takes the published output, not the sources");
        Assert.That(RuntimeStage, Has.Some.Matches<(string Instruction, string Arguments)>(i => i.Instruction == "COPY" && i.Arguments.Contains("config.json")));
        Assert.That(RuntimeStage.Last(i => i.Instruction == "ENTRYPOINT").Arguments, Does.Contain("Fatechat.Server.dll"));
    }

    [Test]
    public void RunsAsANonRootUser()
    {
        var users = RuntimeStage.Where(i => i.Instruction == "USER").Select(i => i.Arguments.Split(':')[0].Trim()).ToList();
        Assert.That(users, Is.Not.Empty, "the runtime stage sets USER");
        Assert.That(users[^1], Is.Not.EqualTo("root").And.Not.EqualTo("0"));
    }

    [Test]
    public void ExposesThePortConfigJsonNames()
    {
        var port = DeploymentFiles.Config()["Fatechat:Server:Port"];
        Assert.That(RuntimeStage.Where(i => i.Instruction == "EXPOSE").Select(i => i.Arguments.Split('/')[0]), Does.Contain(port));
        Assert.That(RuntimeStage.Where(i => i.Instruction == "ENV").Select(i => i.Arguments), Has.Some.Match($@"\bPORT={port}\b"));
    }

    [Test]
    public void LogsJsonLines()
    {
        Assert.That(RuntimeStage.Where(i => i.Instruction == "ENV").Select(i => i.Arguments), Has.Some.Match(@"\bLogging__Console__FormatterName=json\b"),
            "the image logs one JSON object per line (Operations/JsonConsoleLogTests runs the server that way)");
    }

    [Test]
    public async Task HealthCheckProbesAPathTheServerAnswers()
    {
        var healthCheck = RuntimeStage.Where(i => i.Instruction == "HEALTHCHECK").Select(i => i.Arguments).SingleOrDefault();
        Assert.That(healthCheck, Is.Not.Null, "the image has a HEALTHCHECK");
        var url = HealthUrl().Match(healthCheck!);
        Assert.That(url.Success, $"the health check calls an http://…/path URL: {healthCheck}");

        await using var server = await FatechatTestServer.StartAsync();
        using var response = await server.Client.GetAsync(url.Groups["path"].Value).WithTimeout(TimeSpan.FromSeconds(10));
        Assert.That((int)response.StatusCode, Is.EqualTo(200), $"GET {url.Groups["path"].Value}");
    }

    /// <summary>Instructions with their arguments, continuation lines joined and comments dropped.</summary>
    private static List<(string, string)> Parse(string dockerfile)
    {
        var joined = Regex.Replace(dockerfile, @"\\\r?\n", " ");
        return joined.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2, StringSplitOptions.TrimEntries))
            .Select(p => (p[0].ToUpperInvariant(), p.Length > 1 ? p[1] : ""))
            .ToList();
    }

    [GeneratedRegex(@"https?://[^/\s""]+(?<path>/[^\s""']*)")]
    private static partial Regex HealthUrl();
}
