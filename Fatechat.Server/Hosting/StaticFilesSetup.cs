using Microsoft.Extensions.FileProviders;

namespace Fatechat.Server.Hosting;

internal static class StaticFilesSetup
{
    /// <summary>Serves the configured frontend folder at <c>/</c>, <c>index.html</c> by default.</summary>
    public static WebApplication UseFatechatStaticFiles(this WebApplication app)
    {
        var folder = app.Services.GetRequiredService<ContentPaths>().StaticFolder;
        if (!Directory.Exists(folder))
        {
            app.Logger.LogWarning("Static folder {Folder} does not exist; no web UI is served", folder);
            return app;
        }

        var files = new PhysicalFileProvider(folder);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        return app;
    }
}
