using System.Collections;
using System.Reflection;
using Fatechat.Server.Hosting;
using Fatechat.Tests.Interop;
using Microsoft.Extensions.Configuration;

namespace Fatechat.Tests.Deployment;

/// <summary>
/// What the deployment files must agree with, read from the source of truth rather than repeated here: the keys
/// of config.json and the server's short environment names (<see cref="EnvironmentAliases"/>).
/// </summary>
internal static class DeploymentFiles
{
    public static string PathOf(params string[] parts) => Path.Combine([InteropPaths.RepoRoot, .. parts]);

    public static ComposeFile Compose() => ComposeFile.Load(PathOf("docker-compose.yml"));

    /// <summary>Every leaf key of config.json ("Fatechat:Server:Port", …), compared case-insensitively as configuration does.</summary>
    public static IConfigurationRoot Config() => new ConfigurationBuilder().AddJsonFile(PathOf("config.json"), optional: false).Build();

    public static HashSet<string> ConfigKeys() =>
        Config().AsEnumerable().Where(kv => kv.Value is not null).Select(kv => kv.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The variables the server maps to settings: <c>EnvironmentAliases.Map</c>, read by reflection so the list lives in one place.</summary>
    public static IReadOnlyList<string> AliasVariables()
    {
        var field = typeof(EnvironmentAliases).GetField("Map", BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException("EnvironmentAliases.Map not found: update DeploymentFiles.AliasVariables.");
        var map = (IEnumerable)field.GetValue(null)!;
        return map.Cast<object>().Select(entry => (string)entry.GetType().GetField("Item1")!.GetValue(entry)!).Distinct().ToList();
    }

    /// <summary>The settings a service's environment produces through the server's own alias reader.</summary>
    public static Dictionary<string, string?> SettingsFrom(IReadOnlyDictionary<string, string> environment)
    {
        var variables = new Hashtable();
        foreach (var (name, value) in environment)
        {
            variables[name] = ComposeFile.WithDefaults(value);
        }

        return EnvironmentAliases.Read(variables);
    }

    /// <summary>A <c>Section__Key</c> variable as the configuration key it sets.</summary>
    public static string ConfigKeyOf(string variable) => variable.Replace("__", ":", StringComparison.Ordinal);
}
