namespace Fatechat.Server.Hosting;

/// <summary>A setting the server cannot run with; the message names the setting.</summary>
public sealed class FatechatConfigurationException(string message) : Exception(message);
