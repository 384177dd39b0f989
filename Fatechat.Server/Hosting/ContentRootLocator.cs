namespace Fatechat.Server.Hosting;

/// <summary>
/// Finds the folder holding config.json, so <c>dotnet run --project Fatechat.Server</c> from the repository root,
/// a run from inside the project folder, the test runner (working in bin/) and a container (config.json beside the
/// binaries) all read the same file and serve the same static folder.
/// </summary>
internal static class ContentRootLocator
{
    public const string ConfigFileName = "config.json";

    /// <summary>Null when <c>--contentRoot</c> was given: the host then uses it as is.</summary>
    public static string? Find(string[] args)
    {
        if (args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        return FindUpwards(Directory.GetCurrentDirectory())
            ?? FindUpwards(AppContext.BaseDirectory)
            ?? Directory.GetCurrentDirectory();
    }

    private static string? FindUpwards(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, ConfigFileName)))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
