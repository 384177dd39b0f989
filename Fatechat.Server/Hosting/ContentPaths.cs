using Fatechat.Server.Options;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Hosting;

/// <summary>Resolves configured folders and files against the content root (the folder holding config.json).</summary>
internal sealed class ContentPaths(IHostEnvironment environment, IOptions<FatechatOptions> server, IOptions<StorageOptions> storage)
{
    public string StaticFolder => Resolve(server.Value.StaticFolder);

    public string DataFolder => Resolve(server.Value.DataFolder);

    public string SqlitePath => string.IsNullOrWhiteSpace(storage.Value.SqlitePath)
        ? Path.Combine(DataFolder, "fatechat.db")
        : Resolve(storage.Value.SqlitePath);

    private string Resolve(string path) => Path.GetFullPath(path, environment.ContentRootPath);
}
