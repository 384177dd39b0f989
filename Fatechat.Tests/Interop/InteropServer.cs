using Fatechat.Tests.Support;
using Fatechat.Protocol.Hosting;
using Fatechat.Protocol.SocketIO;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fatechat.Tests.Interop;

/// <summary>
/// A Socket.IO server built only with the public Fatechat.Protocol API, on real Kestrel at 127.0.0.1 with a port
/// the OS picks, serving WebSockets through the door the fixture names. Each test passes its own handlers. Error logs are collected so a test can insist there were none.
/// </summary>
internal sealed class InteropServer : IAsyncDisposable
{
    private static readonly TimeSpan StartStopTimeout = TimeSpan.FromSeconds(15);

    private readonly WebApplication _app;
    private readonly CapturedLogs _logs;

    private InteropServer(WebApplication app, CapturedLogs logs)
    {
        _app = app;
        _logs = logs;
        IO = app.Services.GetRequiredService<SocketIOServer>();
        Url = app.Urls.Single().TrimEnd('/');
    }

    public SocketIOServer IO { get; }

    /// <summary>The base address, such as <c>http://127.0.0.1:40123</c>.</summary>
    public string Url { get; }

    /// <summary>Starts a server whose WebSockets come through <paramref name="entryPath"/>.</summary>
    public static async Task<InteropServer> StartAsync(EntryPath entryPath, Action<SocketIOServer> configure, Action<SocketIOOptions>? options = null)
    {
        var logs = new CapturedLogs();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (entryPath == EntryPath.Connection)
        {
            builder.WebHost.UseSocketIOWebSockets();
        }

        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSocketIO(options);

        var app = builder.Build();
        app.MapSocketIO();
        configure(app.Services.GetRequiredService<SocketIOServer>());
        await app.StartAsync().WaitAsync(StartStopTimeout);
        return new InteropServer(app, logs);
    }

    /// <summary>Fails the test if the server logged an error (a handler or the protocol threw).</summary>
    public void AssertNoErrorsLogged() =>
        Assert.That(_logs.Errors, Is.Empty, "errors logged by the server");

    public async ValueTask DisposeAsync()
    {
        foreach (var entry in _logs.Entries)
        {
            TestContext.Out.WriteLine($"server log {entry}");
        }

        try
        {
            await _app.StopAsync().WaitAsync(StartStopTimeout);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
