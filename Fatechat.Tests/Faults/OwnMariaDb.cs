using System.Diagnostics;
using Fatechat.Tests.Cluster;
using Fatechat.Tests.Support;
using MySqlConnector;

namespace Fatechat.Tests.Faults;

/// <summary>
/// A <c>mariadbd</c> of a fault test's own: <c>mariadb-install-db</c> into a temporary folder (about 2 s), then the
/// server on a free loopback port with a small buffer pool, so the test can kill it without touching the shared
/// MariaDB that other tests use. Killed and started again on the same folder, it recovers its InnoDB log as a
/// crashed server does: what was committed is still there.
/// </summary>
internal sealed class OwnMariaDb : OwnServer
{
    private const string User = "fatechat";
    private const string Password = "fatechat-fault";
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);

    private OwnMariaDb(int port)
        : base("mariadb") => Port = port;

    public int Port { get; }

    /// <summary>The server as the test user sees it (no database selected; the user may create them).</summary>
    public string ServerConnection => new MySqlConnectionStringBuilder
    {
        Server = "127.0.0.1",
        Port = (uint)Port,
        UserID = User,
        Password = Password,
        ConnectionTimeout = 5,
    }.ConnectionString;

    private string DataFolder => Path.Combine(Folder, "data");

    private string SocketPath => Path.Combine(Folder, "mariadb.sock");

    public static async Task<OwnMariaDb> StartAsync()
    {
        var server = new OwnMariaDb(FreePort.Next());
        try
        {
            await server.RunToEndAsync("mariadb-install-db",
                ["--no-defaults", $"--datadir={server.DataFolder}", "--user=root", "--skip-test-db", "--auth-root-authentication-method=socket"]);
            await server.StartAgainAsync();
            // root signs in through the socket only (the OS user running the tests); the nodes use a password over TCP.
            await server.RunToEndAsync("mariadb",
                ["--no-defaults", "-uroot", $"--socket={server.SocketPath}", "-e",
                 $"CREATE USER '{User}'@'127.0.0.1' IDENTIFIED BY '{Password}'; GRANT ALL PRIVILEGES ON *.* TO '{User}'@'127.0.0.1';"]);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Starts the server on its folder and port (after <see cref="OwnServer.Kill"/>) and returns once it answers a query.</summary>
    public Task StartAgainAsync() => StartProcessAsync("mariadbd",
            ["--no-defaults", $"--datadir={DataFolder}", "--user=root", $"--port={Port}", "--bind-address=127.0.0.1",
             $"--socket={SocketPath}", $"--pid-file={Path.Combine(Folder, "mariadbd.pid")}", $"--log-error={Path.Combine(Folder, "error.log")}",
             "--skip-name-resolve", "--skip-log-bin", "--innodb-buffer-pool-size=32M", "--innodb-log-file-size=16M",
             "--innodb-flush-log-at-trx-commit=2", "--max-connections=200"],
        () => RunQuietlyAsync("mariadb", ["--no-defaults", "-uroot", $"--socket={SocketPath}", "-e", "SELECT 1"]), StartBound, ErrorLog);

    private string ErrorLog()
    {
        var path = Path.Combine(Folder, "error.log");
        return File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(30)) : "(no error log)";
    }

    private async Task RunToEndAsync(string fileName, string[] arguments)
    {
        using var process = ClusterProcess.Start(fileName, fileName, arguments, Folder);
        if (!await process.WaitForExitAsync(StartBound) || process.ExitCode != 0)
        {
            Assert.Fail($"{fileName} failed (exited: {process.HasExited}).\n{process.Output()}");
        }
    }

    private async Task<bool> RunQuietlyAsync(string fileName, string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            return process.ExitCode == 0;
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            return false;
        }
    }
}
