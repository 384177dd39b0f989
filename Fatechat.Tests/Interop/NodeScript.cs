using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Fatechat.Tests.Interop;

/// <summary>
/// One run of a script in Interop/node with <c>node</c>: <c>node script.mjs &lt;url&gt; args...</c>. The script
/// prints its result as a JSON line; this reads the last such line once the process exits, and kills the process
/// (by its PID, with its children) if it outlives the timeout or the test.
/// </summary>
internal sealed class NodeScript : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly string _name;

    private NodeScript(Process process, string name)
    {
        _process = process;
        _name = name;
    }

    /// <summary>Starts a script and returns at once; <see cref="ResultAsync"/> waits for its JSON result.</summary>
    public static async Task<NodeScript> StartAsync(string script, string url, params string[] args)
    {
        await InteropPaths.EnsureNodeModulesAsync().WaitAsync(TimeSpan.FromMinutes(6));
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = InteropPaths.ScriptsDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(InteropPaths.ScriptsDirectory, script));
        start.ArgumentList.Add(url);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start };
        var node = new NodeScript(process, $"{script} {string.Join(' ', args)}".Trim());
        process.OutputDataReceived += (_, e) => node.Append(node._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(node._stderr, e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("node did not start");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Starts a script and waits for its result.</summary>
    public static async Task<JsonElement> RunAsync(TimeSpan timeout, string script, string url, params string[] args)
    {
        using var node = await StartAsync(script, url, args);
        return await node.ResultAsync(timeout);
    }

    /// <summary>
    /// Waits for the script to exit and returns its JSON result. Fails the test with the script's output when it
    /// times out (the process is killed), exits non-zero, or reports an error.
    /// </summary>
    public async Task<JsonElement> ResultAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            Assert.Fail($"node {_name} did not exit within {timeout.TotalSeconds} s and was killed.\n{Output()}");
        }

        string? line;
        lock (_stdout)
        {
            line = _stdout.ToString().Split('\n').LastOrDefault(l => l.StartsWith('{'));
        }

        if (line is null)
        {
            Assert.Fail($"node {_name} exited with {_process.ExitCode} and printed no JSON result.\n{Output()}");
        }

        var result = JsonDocument.Parse(line!).RootElement.Clone();
        if (_process.ExitCode != 0 || result.TryGetProperty("error", out _))
        {
            Assert.Fail($"node {_name} failed with exit code {_process.ExitCode}: {line}\n{Output()}");
        }

        TestContext.Out.WriteLine($"node {_name}: {Truncate(line!, 2000)}");
        lock (_stderr)
        {
            if (_stderr.Length > 0)
            {
                TestContext.Out.WriteLine($"node {_name} stderr:\n{Truncate(_stderr.ToString(), 30_000)}");
            }
        }

        return result;
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already exited between the check and the kill.
        }
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.Append(line).Append('\n');
        }
    }

    private string Output()
    {
        string stdout, stderr;
        lock (_stdout)
        {
            stdout = _stdout.ToString();
        }

        lock (_stderr)
        {
            stderr = _stderr.ToString();
        }

        return $"--- stdout ---\n{Truncate(stdout, 8000)}\n--- stderr ---\n{Truncate(stderr, 8000)}";
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + " …";
}
