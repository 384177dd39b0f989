using System.Diagnostics;
using System.Text;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Cluster;

/// <summary>
/// A child process of a cluster test (a Fatechat node, a Node.js client script): its output is kept line by line
/// for waiting and for failure messages, and it is killed by its PID, with SIGKILL, when the test says so or at
/// dispose at the latest.
/// </summary>
internal sealed class ClusterProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly StringBuilder _stderr = new();

    private ClusterProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process has exited (128 + the signal number for one a signal ended).</summary>
    public int ExitCode => _process.ExitCode;

    public static ClusterProcess Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A null value removes a variable the test process has (ASPNETCORE_URLS, say) from the child's environment.
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = start };
        var child = new ClusterProcess(process, name);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._stdout)
                {
                    child._stdout.Add(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._stderr)
                {
                    child._stderr.Append(e.Data).Append('\n');
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        TestContext.Out.WriteLine($"started {name}: pid {process.Id}");
        return child;
    }

    /// <summary>The first stdout line that matches, waiting for it; fails the test if the process exits or time runs out first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_stdout)
            {
                if (_stdout.FirstOrDefault(match) is { } line)
                {
                    return line;
                }
            }

            if (_process.HasExited)
            {
                // Let the output readers drain before giving up.
                _process.WaitForExit();
                lock (_stdout)
                {
                    if (_stdout.FirstOrDefault(match) is { } line)
                    {
                        return line;
                    }
                }

                Assert.Fail($"{Name} exited with code {_process.ExitCode} before {what}.\n{Output()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{Name}: no {what} within {timeout.TotalSeconds} s.\n{Output()}");
            }

            await Task.Delay(20);
        }
    }

    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>SIGKILL (what <see cref="Process.Kill()"/> sends on Linux): no shutdown code runs.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }

    /// <summary>How many lines the process has written to stdout so far.</summary>
    public int StdoutLines
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.Count;
            }
        }
    }

    /// <summary>Sends a signal by PID (SIGTERM, SIGSTOP, SIGCONT); false when the process has already gone.</summary>
    public bool Signal(int signal) => !_process.HasExited && PosixSignals.Send(_process.Id, signal);

    /// <summary>Waits for the process to exit on its own; false if it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Stdout lines seen so far that match.</summary>
    public List<string> Lines(Func<string, bool> match)
    {
        lock (_stdout)
        {
            return _stdout.Where(match).ToList();
        }
    }

    public string Output()
    {
        string stdout, stderr;
        lock (_stdout)
        {
            stdout = string.Join('\n', _stdout.TakeLast(200));
        }

        lock (_stderr)
        {
            stderr = _stderr.Length > 8000 ? _stderr.ToString(_stderr.Length - 8000, 8000) : _stderr.ToString();
        }

        return $"--- {Name} stdout (last lines) ---\n{stdout}\n--- {Name} stderr ---\n{stderr}";
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
