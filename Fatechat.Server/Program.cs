using Microsoft.Extensions.Options;

// Everything is wired in FatechatApp, so that tests start exactly this server.
try
{
    Fatechat.Server.FatechatApp.Build(args).Run();
    return 0;
}
catch (Exception e) when (e is OptionsValidationException or Fatechat.Server.Hosting.FatechatConfigurationException)
{
    // A configuration mistake deserves one readable line, not a stack trace.
    Console.Error.WriteLine($"fatechat: invalid configuration: {e.Message}");
    return 1;
}
