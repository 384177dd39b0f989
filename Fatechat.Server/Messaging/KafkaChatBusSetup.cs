using Fatechat.Server.Hosting;
using Fatechat.Server.Options;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Messaging;

internal static class KafkaChatBusSetup
{
    /// <summary>The Kafka bus, its topic check and its start-up; selected by <c>KAFKA_BOOTSTRAP_SERVERS</c> or <c>Providers:Bus = kafka</c>.</summary>
    public static IServiceCollection AddKafkaChatBus(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(KafkaOptions.Section).Get<KafkaOptions>() ?? new();
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            throw new FatechatConfigurationException(
                "Fatechat:Providers:Bus is 'kafka' but Fatechat:Kafka:BootstrapServers (KAFKA_BOOTSTRAP_SERVERS) is empty.");
        }

        services.AddSingleton(sp => new KafkaClientConfigs(
            sp.GetRequiredService<IOptions<KafkaOptions>>().Value,
            sp.GetRequiredService<IOptions<FatechatOptions>>().Value.NodeId));
        services.AddSingleton<KafkaTopicInitializer>();
        services.AddSingleton<KafkaChatBus>();
        services.AddSingleton<IChatBus>(sp => sp.GetRequiredService<KafkaChatBus>());
        services.AddSingleton<Hosting.IReadinessCheck>(sp => new Hosting.ReadinessCheck("kafka",
            ct => sp.GetRequiredService<KafkaChatBus>().CheckBrokersAsync(ct)));
        services.AddHostedService<KafkaChatBusStartup>();
        return services;
    }
}
