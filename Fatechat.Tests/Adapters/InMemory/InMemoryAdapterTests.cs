using Fatechat.Server.Caching;
using Fatechat.Server.Messaging;
using Fatechat.Server.Options;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fatechat.Tests.Adapters.InMemory;

// The contracts against the embedded, single-node implementations.

public sealed class InMemoryRecentMessageCacheTests : RecentMessageCacheContract
{
    protected override Task<IRecentMessageCache> CreateCacheAsync() =>
        Task.FromResult<IRecentMessageCache>(new InMemoryRecentMessageCache(Microsoft.Extensions.Options.Options.Create(new ChatOptions { RecentMessagesCap = Cap })));
}

public sealed class InMemoryPresenceStoreTests : PresenceStoreContract
{
    protected override Task<IPresenceStore> CreateStoreAsync() => Task.FromResult<IPresenceStore>(new InMemoryPresenceStore());
}

public sealed class InProcessChatBusTests : ChatBusContract
{
    protected override Task<IChatBus> CreateBusAsync() => Task.FromResult<IChatBus>(new InProcessChatBus(NullLogger<InProcessChatBus>.Instance));
}
