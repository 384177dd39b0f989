using System.Diagnostics;

namespace Fatechat.Tests.Interop;

/// <summary>
/// Where the interop scripts and the pinned Node packages live: the repository root is found by walking up from
/// the test assembly to Fatechat.sln, and the root node_modules is installed with <c>npm ci</c> when missing.
/// </summary>
internal static class InteropPaths
{
    private static readonly Lazy<Task> NodeModules = new(InstallNodeModulesIfMissingAsync);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ScriptsDirectory => Path.Combine(RepoRoot, "Fatechat.Tests", "Interop", "node");

    /// <summary>Runs <c>npm ci</c> once per test run if socket.io-client is not installed at the root.</summary>
    public static Task EnsureNodeModulesAsync() => NodeModules.Value;

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fatechat.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Fatechat.sln not found above {AppContext.BaseDirectory}");
    }

    private static async Task InstallNodeModulesIfMissingAsync()
    {
        if (File.Exists(Path.Combine(RepoRoot, "node_modules", "socket.io-client", "package.json")))
        {
            return;
        }

        var start = new ProcessStartInfo("npm", "ci --no-audit --no-fund")
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var npm = Process.Start(start) ?? throw new InvalidOperationException("npm did not start");
        var stdout = npm.StandardOutput.ReadToEndAsync();
        var stderr = npm.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await npm.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            npm.Kill(entireProcessTree: true);
            throw new TimeoutException("npm ci did not finish within 5 minutes");
        }

        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci failed ({npm.ExitCode}):\n{await stdout}\n{await stderr}");
        }
    }
}
