using Fatechat.Server.Caching;

namespace Fatechat.Tests.Adapters;

/// <summary>What every <see cref="IRecentMessageCache"/> must do. Subclasses build the cache with a cap of <see cref="Cap"/>.</summary>
public abstract class RecentMessageCacheContract
{
    protected const int Cap = 10;

    protected IRecentMessageCache Cache { get; private set; } = null!;

    protected abstract Task<IRecentMessageCache> CreateCacheAsync();

    [SetUp]
    public async Task CreateCache() => Cache = await CreateCacheAsync();

    [Test]
    public async Task LatestComesNewestFirst()
    {
        var room = AdapterTestData.RoomName();
        var added = Enumerable.Range(0, 5).Select(i => AdapterTestData.Message(room, $"m{i}")).ToList();
        foreach (var m in added)
        {
            await Cache.AddAsync(m, CancellationToken.None);
        }

        Assert.That(await Cache.GetLatestAsync(room, 3, CancellationToken.None), Is.EqualTo(new[] { added[4], added[3], added[2] }));
        Assert.That(await Cache.GetLatestAsync(room, 100, CancellationToken.None), Has.Count.EqualTo(5));
    }

    [Test]
    public async Task EachRoomKeepsOnlyTheNewestUpToTheCap()
    {
        var room = AdapterTestData.RoomName();
        var added = Enumerable.Range(0, Cap + 5).Select(i => AdapterTestData.Message(room, $"m{i}")).ToList();
        foreach (var m in added)
        {
            await Cache.AddAsync(m, CancellationToken.None);
        }

        var latest = await Cache.GetLatestAsync(room, 100, CancellationToken.None);

        Assert.That(latest.Select(m => m.Id), Is.EqualTo(added.AsEnumerable().Reverse().Take(Cap).Select(m => m.Id)));
    }

    [Test]
    public async Task AddingTheSameMessageTwiceKeepsOneAndLateArrivalsSortById()
    {
        var room = AdapterTestData.RoomName();
        var older = AdapterTestData.Message(room, "older");
        var newer = AdapterTestData.Message(room, "newer");
        await Cache.AddAsync(newer, CancellationToken.None);
        await Cache.AddAsync(older, CancellationToken.None);
        await Cache.AddAsync(newer, CancellationToken.None);

        Assert.That(await Cache.GetLatestAsync(room, 10, CancellationToken.None), Is.EqualTo(new[] { newer, older }));
    }

    [Test]
    public async Task WarmMergesStoredMessagesWithCachedOnes()
    {
        var room = AdapterTestData.RoomName();
        var stored = Enumerable.Range(0, 4).Select(i => AdapterTestData.Message(room, $"s{i}")).ToList();
        var live = AdapterTestData.Message(room, "live");
        await Cache.AddAsync(live, CancellationToken.None);

        await Cache.WarmAsync(room, stored.AsEnumerable().Reverse().ToList(), CancellationToken.None);

        var latest = await Cache.GetLatestAsync(room, 10, CancellationToken.None);
        Assert.That(latest.Select(m => m.Text), Is.EqualTo(new[] { "live", "s3", "s2", "s1", "s0" }));
    }

    [Test]
    public async Task UnknownRoomIsEmpty()
    {
        Assert.That(await Cache.GetLatestAsync(AdapterTestData.RoomName(), 5, CancellationToken.None), Is.Empty);
    }
}
