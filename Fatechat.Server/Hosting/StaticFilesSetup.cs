using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Fatechat.Server.Hosting;

internal static class StaticFilesSetup
{
    /// <summary>
    /// The pages' own meta policy, plus what only a header can say: no page of another site may frame this one
    /// (clickjacking). Scripts, styles and connections come from this origin only.
    /// </summary>
    internal const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

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
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, OnPrepareResponse = AddSecurityHeaders });
        return app;
    }

    private static void AddSecurityHeaders(StaticFileResponseContext file)
    {
        var headers = file.Context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
    }
}
