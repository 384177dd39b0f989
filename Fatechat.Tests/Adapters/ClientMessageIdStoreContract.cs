using Fatechat.Server.Caching;

namespace Fatechat.Tests.Adapters;

/// <summary>What every <see cref="IClientMessageIdStore"/> must do; one subclass per backend.</summary>
public abstract class ClientMessageIdStoreContract
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(10);

    protected IClientMessageIdStore Store { get; private set; } = null!;

    protected abstract Task<IClientMessageIdStore> CreateStoreAsync();

    [SetUp]
    public async Task CreateStore() => Store = await CreateStoreAsync();

    protected static ClientMessageKey NewKey(string? sender = null) => new(sender ?? AdapterTestData.Email(), "c-" + Guid.NewGuid().ToString("N"));

    protected static ClientMessageClaim Pending(string? messageId = null, string fingerprint = "fp") =>
        new(messageId ?? AdapterTestData.Message("r").Id, fingerprint, Published: false);

    [Test]
    public async Task TheFirstClaimWinsAndLaterOnesSeeIt()
    {
        var key = NewKey();
        var first = Pending(fingerprint: "digest of the send");

        Assert.That(await Store.TryClaimAsync(key, first, Long, CancellationToken.None), Is.Null);
        Assert.That(await Store.TryClaimAsync(key, Pending(), Long, CancellationToken.None), Is.EqualTo(first));
        Assert.That(await Store.GetAsync(key, CancellationToken.None), Is.EqualTo(first));
        Assert.That(await Store.GetAsync(NewKey(), CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task KeysAreSeparatePerSenderAndPerClientId()
    {
        var key = NewKey();
        await Store.TryClaimAsync(key, Pending(), Long, CancellationToken.None);

        Assert.That(await Store.TryClaimAsync(key with { SenderMail = AdapterTestData.Email() }, Pending(), Long, CancellationToken.None), Is.Null);
        Assert.That(await Store.TryClaimAsync(key with { ClientMessageId = key.ClientMessageId + "x" }, Pending(), Long, CancellationToken.None), Is.Null);
        Assert.That(await Store.TryClaimAsync(key with { ClientMessageId = key.ClientMessageId.ToUpperInvariant() }, Pending(), Long, CancellationToken.None),
            Is.Null, "client ids are compared exactly");
    }

    [Test]
    public async Task AClaimIsMarkedPublishedOnlyByItsOwnAttempt()
    {
        var key = NewKey();
        var mine = Pending();
        await Store.TryClaimAsync(key, mine, Long, CancellationToken.None);

        Assert.That(await Store.ReplaceAsync(key, Pending(), Pending() with { Published = true }, Long, CancellationToken.None), Is.False, "another attempt's claim");
        Assert.That(await Store.ReplaceAsync(key, mine, mine with { Published = true }, Long, CancellationToken.None), Is.True);
        Assert.That(await Store.GetAsync(key, CancellationToken.None), Is.EqualTo(mine with { Published = true }));
        Assert.That(await Store.ReplaceAsync(key, mine, null, Long, CancellationToken.None), Is.False, "it is no longer pending");
    }

    [Test]
    public async Task AReleasedClaimLetsTheNextAttemptClaim()
    {
        var key = NewKey();
        var failed = Pending();
        await Store.TryClaimAsync(key, failed, Long, CancellationToken.None);

        Assert.That(await Store.ReplaceAsync(key, failed, null, Long, CancellationToken.None), Is.True);

        var retry = Pending();
        Assert.That(await Store.TryClaimAsync(key, retry, Long, CancellationToken.None), Is.Null);
        Assert.That(await Store.ReplaceAsync(key, failed, null, Long, CancellationToken.None), Is.False, "a late release of the failed attempt leaves the retry's claim");
        Assert.That(await Store.TryClaimAsync(key, Pending(), Long, CancellationToken.None), Is.EqualTo(retry));
    }

    [Test]
    public async Task AClaimExpiresAfterItsTimeToLiveAndARenewalExtendsIt()
    {
        var ttl = TimeSpan.FromMilliseconds(400);
        var renewed = NewKey();
        var expiring = NewKey();
        var claim = Pending();
        await Store.TryClaimAsync(renewed, claim, ttl, CancellationToken.None);
        await Store.TryClaimAsync(expiring, claim, ttl, CancellationToken.None);

        await Task.Delay(250);
        Assert.That(await Store.ReplaceAsync(renewed, claim, claim, Long, CancellationToken.None), Is.True);
        await Task.Delay(400);

        Assert.That(await Store.GetAsync(expiring, CancellationToken.None), Is.Null, "expired");
        Assert.That(await Store.TryClaimAsync(expiring, Pending(), Long, CancellationToken.None), Is.Null, "expired: free again");
        Assert.That(await Store.TryClaimAsync(renewed, Pending(), Long, CancellationToken.None), Is.EqualTo(claim), "renewed before it expired");
        Assert.That(await Store.ReplaceAsync(NewKey(), claim, null, Long, CancellationToken.None), Is.False, "nothing to replace");
    }

    [Test]
    public async Task OfManyConcurrentClaimsExactlyOneWins()
    {
        var key = NewKey();
        var attempts = Enumerable.Range(0, 16).Select(_ => Pending()).ToList();

        var results = await Task.WhenAll(attempts.Select(a => Store.TryClaimAsync(key, a, Long, CancellationToken.None).AsTask()));

        Assert.That(results.Count(r => r is null), Is.EqualTo(1));
        var winner = attempts[Array.IndexOf(results, null)];
        Assert.That(results.Where(r => r is not null), Is.All.EqualTo(winner));
    }
}
