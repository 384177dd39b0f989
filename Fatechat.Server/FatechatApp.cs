using Fatechat.Protocol.Hosting;
using Fatechat.Server.Api;
using Fatechat.Server.Auth;
using Fatechat.Server.Chat;
using Fatechat.Server.Diagnostics;
using Fatechat.Server.Hosting;
using Fatechat.Server.Options;
using Fatechat.Server.Private;
using Fatechat.Server.Rooms;

namespace Fatechat.Server;

/// <summary>
/// The composition root. Program.cs runs it; tests build the same app with their own arguments, e.g.
/// <c>--urls http://127.0.0.1:0 --Fatechat:Storage:SqlitePath=/tmp/x.db</c>.
/// </summary>
public static class FatechatApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = ContentRootLocator.Find(args),
        });
        builder.AddFatechatConfiguration(args).AddFatechatListener().AddFatechatConsoleLogging();
        configure?.Invoke(builder);
        // WebSockets are served below Kestrel's HTTP layer; everything else goes through the pipeline below.
        builder.WebHost.UseSocketIOWebSockets();

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ContentPaths>();
        services.AddFatechatOptions();
        services.AddFatechatAdapters(builder.Configuration);
        services.AddFatechatForwardedHeaders(builder.Configuration);
        services.AddApiErrorHandling();
        services.AddFatechatAuth();
        services.AddFatechatChat();
        services.AddChatSockets(builder.Configuration);
        services.AddFatechatOpenApi();
        services.AddFatechatCors(builder.Configuration);
        services.AddFatechatMetrics(builder.Configuration);

        var app = builder.Build();
        app.UseSocketIO();
        app.UseFatechatForwardedHeaders();
        app.UseFatechatCors();
        app.UseApiErrorHandling();
        app.UseFatechatStaticFiles();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseApiNotFound();

        app.MapOpenApi(OpenApiSetup.DocumentPath);
        app.MapHealth();
        app.MapFatechatMetrics();
        app.MapAuth();
        app.MapRooms();
        app.MapPrivateMessages();
        app.MapChatSockets();
        return app;
    }
}
