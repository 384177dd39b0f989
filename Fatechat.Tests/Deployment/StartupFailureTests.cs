using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Deployment;

/// <summary>
/// The published server (<c>dotnet Fatechat.Server.dll</c>) that cannot start says why in one line on stderr and
/// exits with 1 — no stack trace, no SIGABRT (134), no raw librdkafka lines — for each fatal start-up problem.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.Children)]
public sealed class StartupFailureTests
{
    private const string Secret = "a-deployment-secret-that-is-long-enough-for-hs256";

    [Test]
    public async Task APortThatIsNotANumber()
    {
        var (exit, stderr, stdout) = await RunAsync(new() { ["PORT"] = "abc" });
        AssertOneLine(exit, stderr, stdout, "Fatechat:Server:Port");
    }

    [Test]
    public async Task APortThatIsTaken()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (exit, stderr, stdout) = await RunAsync(new() { ["PORT"] = port.ToString() });
        AssertOneLine(exit, stderr, stdout, "address already in use");
    }

    [Test]
    public async Task ADatabaseThatCannotBeReached()
    {
        var (exit, stderr, stdout) = await RunAsync(new() { ["MYSQL_CONNECTION"] = "Server=127.0.0.1;Port=1;User ID=x;Password=y;Database=z;Connection Timeout=3" });
        AssertOneLine(exit, stderr, stdout, "MySQL");
    }

    [Test]
    public async Task AKafkaThatCannotBeReached()
    {
        var (exit, stderr, stdout) = await RunAsync(new() { ["KAFKA_BOOTSTRAP_SERVERS"] = "127.0.0.1:1", ["FATECHAT__Kafka__StartupTimeoutSeconds"] = "3" });
        AssertOneLine(exit, stderr, stdout, "Kafka at 127.0.0.1:1");
        Assert.That(stdout, Does.Not.Contain("%3|"), "librdkafka's own lines go through the app's logger");
        Assert.That(stdout.Split('\n').Length, Is.LessThan(40), "a refused connection is logged once per interval, not per retry:\n" + stdout);
    }

    [Test]
    public async Task ASettingThatIsRefused()
    {
        var (exit, stderr, stdout) = await RunAsync(new() { ["JWT_SECRET"] = "too-short" });
        AssertOneLine(exit, stderr, stdout, "JWT_SECRET");
    }

    private static void AssertOneLine(int exit, string stderr, string stdout, string naming)
    {
        Assert.That(exit, Is.EqualTo(1), $"stderr: {stderr}\nstdout: {stdout}");
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), stderr);
        Assert.That(lines[0], Does.StartWith("fatechat: cannot start: ").And.Contain(naming));
        Assert.That(stdout + stderr, Does.Not.Contain("   at "), "no stack trace");
    }

    private static async Task<(int Exit, string Stderr, string Stdout)> RunAsync(Dictionary<string, string?> environment)
    {
        var folder = Path.Combine(Path.GetTempPath(), "fatechat-startup-" + Guid.NewGuid().ToString("N"));
        var start = BuiltServerStart.In(folder, Secret);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the server neither started nor gave up within 60 s");
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }

        return (process.ExitCode, await stderr, await stdout);
    }
}
