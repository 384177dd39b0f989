using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Fatechat.Tests.Deployment;

/// <summary>The parts of docker-compose.yml the deployment tests read, from the YAML itself (no Docker engine here).</summary>
internal sealed partial class ComposeFile
{
    private ComposeFile(IReadOnlyDictionary<string, ComposeService> services) => Services = services;

    public IReadOnlyDictionary<string, ComposeService> Services { get; }

    public static ComposeFile Load(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var services = ((YamlMappingNode)root.Children[new YamlScalarNode("services")]).Children
            .ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ComposeService.From(((YamlScalarNode)p.Key).Value!, (YamlMappingNode)p.Value));
        return new ComposeFile(services);
    }

    /// <summary><c>${NAME:-default}</c> and <c>${NAME-default}</c> become the default, as compose does with NAME unset.</summary>
    public static string WithDefaults(string value) => Interpolation().Replace(value, m => m.Groups["default"].Value);

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(:?-(?<default>[^}]*))?\}")]
    private static partial Regex Interpolation();
}

internal sealed record ComposeService(
    string Name,
    string? Image,
    string? Dockerfile,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, string?> DependsOn,
    IReadOnlyList<string> Ports,
    IReadOnlyList<string> Volumes,
    bool HasHealthCheck)
{
    public static ComposeService From(string name, YamlMappingNode node)
    {
        var build = Child(node, "build");
        return new ComposeService(
            name,
            Scalar(node, "image"),
            build is YamlMappingNode b ? Scalar(b, "dockerfile") ?? "Dockerfile" : build is YamlScalarNode ? "Dockerfile" : null,
            ReadEnvironment(Child(node, "environment")),
            ReadDependsOn(Child(node, "depends_on")),
            Sequence(Child(node, "ports")),
            Sequence(Child(node, "volumes")),
            Child(node, "healthcheck") is YamlMappingNode);
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    private static List<string> Sequence(YamlNode? node) =>
        node is YamlSequenceNode sequence ? sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value!).ToList() : [];

    /// <summary>Both compose spellings: a mapping, or a list of <c>NAME=value</c>.</summary>
    private static Dictionary<string, string> ReadEnvironment(YamlNode? node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value ?? ""),
        YamlSequenceNode list => list.Children.OfType<YamlScalarNode>().Select(s => s.Value!.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : ""),
        _ => [],
    };

    /// <summary>Service name → condition (null in the short list form).</summary>
    private static Dictionary<string, string?> ReadDependsOn(YamlNode? node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(
            p => ((YamlScalarNode)p.Key).Value!,
            p => p.Value is YamlMappingNode m ? Scalar(m, "condition") : null),
        YamlSequenceNode list => list.Children.OfType<YamlScalarNode>().ToDictionary(s => s.Value!, _ => (string?)null),
        _ => [],
    };
}
