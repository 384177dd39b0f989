using Fatechat.Server.Hosting;

// Everything is wired in FatechatApp, so that tests start exactly this server.
WebApplication app;
try
{
    app = Fatechat.Server.FatechatApp.Build(args, builder => builder.Logging.HoldBackStartupErrors());
    InlineCompletions.Apply(app.Configuration);
    app.Start();
    StartupFailure.Started();
}
catch (Exception e)
{
    // A bad setting, a taken port, an unreachable backend: one readable line, not a stack trace.
    Console.Error.WriteLine($"fatechat: cannot start: {StartupFailure.Describe(e)}");
    return 1;
}

app.WaitForShutdown();
return 0;
