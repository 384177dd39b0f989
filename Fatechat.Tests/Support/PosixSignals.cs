using System.Runtime.InteropServices;

namespace Fatechat.Tests.Support;

/// <summary>
/// Signals for child processes the tests started: <see cref="System.Diagnostics.Process.Kill()"/> only sends
/// SIGKILL, and a fault test also needs SIGTERM (a graceful stop) and SIGSTOP/SIGCONT (a frozen service).
/// </summary>
internal static class PosixSignals
{
    public const int Kill = 9;
    public const int Terminate = 15;
    public const int Continue = 18;
    public const int Stop = 19;

    /// <summary>Sends <paramref name="signal"/> to one process by its id; false when it has already gone.</summary>
    public static bool Send(int pid, int signal) => kill(pid, signal) == 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
