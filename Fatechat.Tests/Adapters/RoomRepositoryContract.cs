using Fatechat.Server.Storage;

namespace Fatechat.Tests.Adapters;

/// <summary>What every <see cref="IRoomRepository"/> must do; one subclass per backend.</summary>
public abstract class RoomRepositoryContract
{
    protected IRoomRepository Rooms { get; private set; } = null!;

    protected abstract Task<IRoomRepository> CreateRepositoryAsync();

    [SetUp]
    public async Task CreateRepository() => Rooms = await CreateRepositoryAsync();

    [Test]
    public async Task CreatedRoomIsFoundByIdAndByNameInAnyCase()
    {
        var name = AdapterTestData.RoomName();
        var createdAt = AdapterTestData.NowMs();
        var room = await Rooms.TryCreateAsync(name, createdAt, CancellationToken.None);

        Assert.That(room, Is.Not.Null);
        Assert.That(room!.CreatedAt, Is.EqualTo(createdAt));
        Assert.That(room.UpdatedAt, Is.EqualTo(createdAt));
        Assert.That(await Rooms.FindByIdAsync(room.Id, CancellationToken.None), Is.EqualTo(room));
        Assert.That(await Rooms.FindByNameAsync(name.ToUpperInvariant(), CancellationToken.None), Is.EqualTo(room), "the stored spelling comes back");
    }

    [Test]
    public async Task TakenNameInAnyCaseIsRefusedWithNull()
    {
        var name = AdapterTestData.RoomName();
        await Rooms.TryCreateAsync(name, AdapterTestData.NowMs(), CancellationToken.None);
        Assert.That(await Rooms.TryCreateAsync(name.ToUpperInvariant(), AdapterTestData.NowMs(), CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task ListHasEveryRoomOldestFirst()
    {
        var first = await Rooms.TryCreateAsync(AdapterTestData.RoomName(), AdapterTestData.NowMs(), CancellationToken.None);
        var second = await Rooms.TryCreateAsync(AdapterTestData.RoomName(), AdapterTestData.NowMs(), CancellationToken.None);

        var ids = (await Rooms.ListAsync(CancellationToken.None)).Select(r => r.Id).ToList();

        Assert.That(ids, Is.Ordered);
        Assert.That(ids.IndexOf(first!.Id), Is.GreaterThanOrEqualTo(0).And.LessThan(ids.IndexOf(second!.Id)));
    }

    [Test]
    public async Task UnknownRoomIsNull()
    {
        Assert.That(await Rooms.FindByIdAsync(long.MaxValue, CancellationToken.None), Is.Null);
        Assert.That(await Rooms.FindByNameAsync(AdapterTestData.RoomName(), CancellationToken.None), Is.Null);
    }
}
