using Fatechat.Server.Options;

namespace Fatechat.Server.Hosting;

internal static class ListenerSetup
{
    /// <summary>
    /// Kestrel's socket transport, inline when <c>Fatechat:Server:InlineIO</c> says so (<see cref="InlineCompletions"/>),
    /// with a receive buffer always posted when <c>Fatechat:Server:EagerReceiveBuffer</c> says so.
    /// Listens on <c>Fatechat:Server:Host</c>:<c>Port</c> unless <c>--urls</c> or <c>ASPNETCORE_URLS</c> says
    /// otherwise (tests pass <c>--urls http://127.0.0.1:0</c>).
    /// </summary>
    public static WebApplicationBuilder AddFatechatListener(this WebApplicationBuilder builder)
    {
        var server = builder.Configuration.GetSection(FatechatOptions.Section).Get<FatechatOptions>() ?? new();
        builder.WebHost.UseSockets(sockets =>
        {
            sockets.UnsafePreferInlineScheduling = server.InlineIO;
            sockets.WaitForDataBeforeAllocatingBuffer = !server.EagerReceiveBuffer;
        });
        if (!string.IsNullOrWhiteSpace(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            return builder;
        }

        builder.WebHost.UseUrls($"http://{server.Host}:{server.Port}");
        return builder;
    }
}
