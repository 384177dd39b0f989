using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace Fatechat.Protocol.Hosting;

/// <summary>
/// The official socket.io-client bundle (vendored from npm, see ClientBundle/README.md), served under the
/// Socket.IO path as the Node server does, with an ETag so browsers revalidate cheaply.
/// </summary>
internal static class ClientBundle
{
    public static readonly string[] FileNames =
    [
        "socket.io.js", "socket.io.js.map", "socket.io.min.js", "socket.io.min.js.map",
        "socket.io.esm.min.js", "socket.io.esm.min.js.map",
    ];

    private static readonly Dictionary<string, (byte[] Content, string ETag)> Files = Load();

    public static async Task ServeAsync(HttpContext context, string fileName)
    {
        var (content, etag) = Files[fileName];
        if (context.Request.Headers.IfNoneMatch == etag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.ContentType = fileName.EndsWith(".map", StringComparison.Ordinal)
            ? "application/json"
            : "application/javascript; charset=utf-8";
        context.Response.Headers.ETag = etag;
        context.Response.Headers.CacheControl = "public, max-age=0";
        context.Response.ContentLength = content.Length;
        await context.Response.Body.WriteAsync(content);
    }

    private static Dictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(ClientBundle).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (string name in FileNames)
        {
            using Stream stream = assembly.GetManifestResourceStream("ClientBundle/" + name)
                ?? throw new InvalidOperationException($"Embedded client bundle {name} is missing.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            byte[] content = copy.ToArray();
            string etag = "\"" + Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(content))[..16] + "\"";
            files[name] = (content, etag);
        }

        return files;
    }
}
