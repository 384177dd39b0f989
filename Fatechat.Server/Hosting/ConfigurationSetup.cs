namespace Fatechat.Server.Hosting;

internal static class ConfigurationSetup
{
    /// <summary>
    /// Precedence, lowest first: defaults in the options classes, config.json, the short environment aliases
    /// (<c>PORT</c>, <c>MYSQL_CONNECTION</c>, …), <c>FATECHAT__Section__Key</c> variables, command-line arguments.
    /// The environment and the command line are added again so that they sit above config.json.
    /// </summary>
    public static WebApplicationBuilder AddFatechatConfiguration(this WebApplicationBuilder builder, string[] args)
    {
        var configuration = builder.Configuration;
        configuration.AddJsonFile(
            Path.Combine(builder.Environment.ContentRootPath, ContentRootLocator.ConfigFileName),
            optional: true,
            reloadOnChange: false);
        configuration.AddInMemoryCollection(EnvironmentAliases.Read(Environment.GetEnvironmentVariables()));
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
        return builder;
    }
}
