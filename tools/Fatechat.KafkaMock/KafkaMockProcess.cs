using System.Diagnostics;

namespace Fatechat.KafkaMock;

/// <summary>
/// Runs the tool as a child process, for tests where several server processes must share one cluster.
/// The child stops when disposed, and on its own when this process dies (it watches its stdin).
/// </summary>
public sealed class KafkaMockProcess : IDisposable
{
    private readonly Process _process;

    private KafkaMockProcess(Process process, string bootstrapServers)
    {
        _process = process;
        BootstrapServers = bootstrapServers;
    }

    public string BootstrapServers { get; }

    public int ProcessId => _process.Id;

    /// <summary>Starts <c>Fatechat.KafkaMock.dll</c> from beside this assembly and waits for its bootstrap line.</summary>
    public static async Task<KafkaMockProcess> StartAsync(
        int brokers, IEnumerable<string> topics, int partitions = 3, TimeSpan? timeout = null)
    {
        var toolDll = typeof(KafkaMockProcess).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { toolDll, "--brokers", $"{brokers}", "--topics", string.Join(",", topics),
                     "--partitions", $"{partitions}", "--exit-on-stdin-eof" })
            start.ArgumentList.Add(arg);

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start dotnet {toolDll}");
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
            if (string.IsNullOrWhiteSpace(line))
                throw new InvalidOperationException($"Kafka mock exited before printing its bootstrap servers (exit code {ExitCodeOf(process)}).");
            return new KafkaMockProcess(process, line.Trim());
        }
        catch
        {
            Stop(process);
            throw;
        }
    }

    public void Dispose() => Stop(_process);

    private static void Stop(Process process)
    {
        try
        {
            // Closing stdin is the tool's polite stop; kill only if it does not go.
            process.StandardInput.Close();
            if (!process.WaitForExit(5_000))
                process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            // Already exited.
        }
        process.Dispose();
    }

    private static string ExitCodeOf(Process process) => process.HasExited ? $"{process.ExitCode}" : "still running";
}
