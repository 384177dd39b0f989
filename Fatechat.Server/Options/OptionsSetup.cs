using Microsoft.Extensions.Options;

namespace Fatechat.Server.Options;

internal static class OptionsSetup
{
    /// <summary>Binds every <c>Fatechat:*</c> section and validates them when the host starts.</summary>
    public static IServiceCollection AddFatechatOptions(this IServiceCollection services)
    {
        services.AddOptions<FatechatOptions>().BindConfiguration(FatechatOptions.Section)
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.NodeId))
                {
                    o.NodeId = $"{Environment.MachineName}-{o.Port}";
                }
            })
            .Validate(o => o.Port is >= 0 and <= 65535, "Fatechat:Server:Port must be 0-65535.")
            .ValidateOnStart();
        services.AddOptions<ProvidersOptions>().BindConfiguration(ProvidersOptions.Section).ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section);
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section);
        services.AddOptions<KafkaOptions>().BindConfiguration(KafkaOptions.Section);
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JwtOptions>, JwtOptionsValidator>();
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .Validate(o => o.BcryptWorkFactor is >= 4 and <= 31, "Fatechat:Auth:BcryptWorkFactor must be 4-31.")
            .Validate(o => o.PasswordMinLength >= 1, "Fatechat:Auth:PasswordMinLength must be at least 1.")
            .ValidateOnStart();
        services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.Section)
            .Validate(o => o.MessageMaxLength > 0, "Fatechat:Chat:MessageMaxLength must be positive.")
            .Validate(o => o.RecentMessagesCap > 0, "Fatechat:Chat:RecentMessagesCap must be positive.")
            .Validate(o => o.RecentMessagesMaxBytes > 0, "Fatechat:Chat:RecentMessagesMaxBytes must be positive.")
            .Validate(o => o.DefaultPageSize > 0 && o.DefaultPageSize <= o.MaxPageSize,
                "Fatechat:Chat:DefaultPageSize must be between 1 and MaxPageSize.")
            .Validate(o => o.ClientMessageIdTtlSeconds > 0, "Fatechat:Chat:ClientMessageIdTtlSeconds must be positive.")
            .ValidateOnStart();
        services.AddOptions<SocketIOSettings>().BindConfiguration(SocketIOSettings.Section)
            .Validate(o => o.PingIntervalMs > 0 && o.PingTimeoutMs > 0 && o.MaxPayload > 0,
                "Fatechat:SocketIO ping settings and MaxPayload must be positive.")
            .Validate(o => o.MaxBufferedBytes > 0 && o.MaxAttachments >= 0 && o.AttachmentTimeoutMs > 0,
                "Fatechat:SocketIO:MaxBufferedBytes and AttachmentTimeoutMs must be positive, MaxAttachments not negative.")
            .ValidateOnStart();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => new[] { o.LoginPerIp, o.LoginFailuresPerAccount, o.RegisterPerIp, o.RegisterPerAccount }
                    .All(w => w.PermitLimit >= 0 && (!w.IsOn || w.WindowSeconds > 0)),
                "Fatechat:RateLimits: a PermitLimit must be 0 (off) or positive, with a positive WindowSeconds.")
            .Validate(o => new[] { o.SocketMessages, o.SocketOtherEvents }.All(r => r.PerSecond >= 0 && (!r.IsOn || r.Burst >= 1)),
                "Fatechat:RateLimits: a socket PerSecond must be 0 (off) or positive, with a Burst of at least 1.")
            .ValidateOnStart();
        return services;
    }
}
