using System.Reflection;

namespace Fatechat.Server.Storage;

/// <summary>One versioned SQL script, embedded from Storage/Sql/&lt;dialect&gt;/NNN_name.sql.</summary>
public sealed record SchemaMigration(int Version, string Name, string Sql)
{
    /// <summary>The dialect's scripts in version order.</summary>
    public static IReadOnlyList<SchemaMigration> Load(string dialect)
    {
        var assembly = typeof(SchemaMigration).Assembly;
        var prefix = $"Sql/{dialect}/";
        var migrations = new List<SchemaMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var name = resource.Replace('\\', '/');
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = name[prefix.Length..^".sql".Length];
            var underscore = fileName.IndexOf('_');
            if (underscore <= 0 || !int.TryParse(fileName[..underscore], out var version))
            {
                throw new InvalidOperationException($"Migration '{name}' must be named NNN_description.sql.");
            }

            migrations.Add(new SchemaMigration(version, fileName, Read(assembly, resource)));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        return migrations;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
