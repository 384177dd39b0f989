using System.Diagnostics;

namespace Fatechat.Tests.Support;

/// <summary>
/// How a test starts the built Fatechat.Server.dll as a process of its own: in a fresh working folder with its own
/// SQLite file, on a free port (0) on loopback, with none of the test process's own URLs or backend settings.
/// </summary>
internal static class BuiltServerStart
{
    private static readonly string[] InheritedSettings =
        ["ASPNETCORE_URLS", "URLS", "DOTNET_URLS", "MYSQL_CONNECTION", "REDIS_CONNECTION", "KAFKA_BOOTSTRAP_SERVERS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT"];

    /// <summary>The start info, with stdout and stderr redirected; <paramref name="folder"/> is created.</summary>
    public static ProcessStartInfo In(string folder, string jwtSecret)
    {
        Directory.CreateDirectory(folder);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Fatechat.Server.dll"));
        foreach (var name in InheritedSettings)
        {
            start.Environment.Remove(name);
        }

        start.Environment["PORT"] = "0";
        start.Environment["FATECHAT__Server__Host"] = "127.0.0.1";
        start.Environment["JWT_SECRET"] = jwtSecret;
        start.Environment["FATECHAT__Storage__SqlitePath"] = Path.Combine(folder, "fatechat.db");
        return start;
    }
}
