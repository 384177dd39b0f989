using Fatechat.Server.Storage;

namespace Fatechat.Tests.Adapters;

/// <summary>Migrations run on every start and from several nodes at once; they must leave data alone.</summary>
public abstract class SchemaMigratorContract
{
    protected abstract Task<(ISchemaMigrator Migrator, IRoomRepository Rooms)> CreateAsync();

    [Test]
    public async Task MigratingAgainKeepsTheData()
    {
        var (migrator, rooms) = await CreateAsync();
        await migrator.MigrateAsync(CancellationToken.None);
        var room = await rooms.TryCreateAsync(AdapterTestData.RoomName(), AdapterTestData.NowMs(), CancellationToken.None);

        await migrator.MigrateAsync(CancellationToken.None);

        Assert.That(await rooms.FindByIdAsync(room!.Id, CancellationToken.None), Is.EqualTo(room));
    }

    [Test]
    public async Task ConcurrentMigrationsBothSucceed()
    {
        var (first, rooms) = await CreateAsync();
        var (second, _) = await CreateAsync();

        await Task.WhenAll(first.MigrateAsync(CancellationToken.None), second.MigrateAsync(CancellationToken.None));

        Assert.That(await rooms.TryCreateAsync(AdapterTestData.RoomName(), AdapterTestData.NowMs(), CancellationToken.None), Is.Not.Null);
    }
}
