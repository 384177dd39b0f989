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

public sealed class InMemoryClientMessageIdStoreTests : ClientMessageIdStoreContract
{
    protected override Task<IClientMessageIdStore> CreateStoreAsync() => Task.FromResult<IClientMessageIdStore>(new InMemoryClientMessageIdStore(TimeProvider.System));

    [Test]
    public async Task ExpiredClaimsAreSweptFromMemory()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var store = new InMemoryClientMessageIdStore(time);
        var old = NewKey();
        await store.TryClaimAsync(old, Pending(), TimeSpan.FromSeconds(30), CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(2));
        await store.TryClaimAsync(NewKey(), Pending(), TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.That(store.Count, Is.EqualTo(1), "the expired claim is gone, not only hidden");
    }
}

public sealed class InProcessChatBusTests : ChatBusContract
{
    protected override Task<IChatBus> CreateBusAsync() => Task.FromResult<IChatBus>(new InProcessChatBus(NullLogger<InProcessChatBus>.Instance));
}
