using System.Diagnostics;
using Fatechat.Tests.Cluster;

namespace Fatechat.Tests.Faults;

/// <summary>
/// A backend server process of a fault test's own (<see cref="OwnRedis"/>, <see cref="OwnMariaDb"/>): a temporary
/// folder, the process started (again, after <see cref="Kill"/>) until it answers, killed by PID, the folder removed.
/// </summary>
internal abstract class OwnServer(string name) : IDisposable
{
    protected string Folder { get; } = Directory.CreateTempSubdirectory($"fatechat-fault-{name}-").FullName;

    protected ClusterProcess? Process { get; private set; }

    public int Pid => Process?.Pid ?? 0;

    /// <summary>SIGKILL: every connection drops at once; the server keeps only what it had made durable.</summary>
    public void Kill() => Process?.Kill();

    public void Dispose()
    {
        Process?.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Starts <paramref name="fileName"/> and returns once <paramref name="answers"/>; fails the test past <paramref name="bound"/>.</summary>
    protected async Task StartProcessAsync(string fileName, string[] arguments, Func<Task<bool>> answers, TimeSpan bound, Func<string>? diagnostics = null)
    {
        if (Process is { HasExited: false })
        {
            throw new InvalidOperationException($"{fileName} pid {Process.Pid} is still running");
        }

        Process?.Dispose();
        Process = ClusterProcess.Start(fileName, fileName, arguments, Folder);
        var clock = Stopwatch.StartNew();
        while (!await answers())
        {
            if (Process.HasExited || clock.Elapsed > bound)
            {
                Assert.Fail($"{fileName} ({name}) did not answer within {bound.TotalSeconds} s.\n{Process.Output()}\n{diagnostics?.Invoke()}");
            }

            await Task.Delay(50);
        }
    }
}
