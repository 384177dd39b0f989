using Fatechat.Server.Options;

namespace Fatechat.Server.Hosting;

/// <summary>
/// With <c>Fatechat:Server:InlineIO</c>, socket completions run on the runtime's epoll threads (one per core) instead
/// of being handed to the thread pool; with Kestrel's inline scheduling (<see cref="ListenerSetup"/>) a received
/// frame is then parsed, handled and fanned out on the thread that read it. The runtime reads the variable once, at
/// the first socket operation, so the server sets it before it starts; a value the operator set wins. Only the
/// server process sets it: in a test process it would move the test clients' sockets onto those threads too.
/// </summary>
internal static class InlineCompletions
{
    internal const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void Apply(IConfiguration configuration)
    {
        var server = configuration.GetSection(FatechatOptions.Section).Get<FatechatOptions>() ?? new();
        if (server.InlineIO && Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}
