using System.Threading.Channels;

namespace Fatechat.Server.Messaging;

/// <summary>
/// The single-node bus: one channel per subscription. Bounded, so a stalled consumer slows publishers down
/// instead of growing memory without limit.
/// </summary>
public sealed class InProcessChatBus : IChatBus
{
    private const int Capacity = 65_536;

    private readonly Channel<ChatBusEvent> _persistence = CreateChannel();
    private readonly Channel<ChatBusEvent> _delivery = CreateChannel();

    public async ValueTask PublishAsync(ChatBusEvent chatEvent, CancellationToken cancellationToken)
    {
        if (chatEvent is RoomMessagePosted or PrivateMessagePosted)
        {
            await _persistence.Writer.WriteAsync(chatEvent, cancellationToken);
        }

        await _delivery.Writer.WriteAsync(chatEvent, cancellationToken);
    }

    public async Task ConsumeAsync(ChatBusSubscription subscription, Func<ChatBusEvent, CancellationToken, ValueTask> handler, CancellationToken cancellationToken)
    {
        var reader = subscription == ChatBusSubscription.Persistence ? _persistence.Reader : _delivery.Reader;
        await foreach (var chatEvent in reader.ReadAllAsync(cancellationToken))
        {
            await handler(chatEvent, cancellationToken);
        }
    }

    private static Channel<ChatBusEvent> CreateChannel() => Channel.CreateBounded<ChatBusEvent>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        SingleWriter = false,
        FullMode = BoundedChannelFullMode.Wait,
    });
}
