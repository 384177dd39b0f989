namespace Fatechat.Server.Messaging;

/// <summary>
/// Starts the Kafka bus with the host, before Kestrel accepts connections (hosted services start first): the topics
/// are checked or created and this node's delivery consumer knows where every partition ends. On stop it stops that consumer;
/// the persistence consumer stops with <see cref="ChatMessagePipeline"/>.
/// </summary>
internal sealed class KafkaChatBusStartup(KafkaChatBus bus) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => bus.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken)
    {
        bus.StopDelivery();
        return Task.CompletedTask;
    }
}
