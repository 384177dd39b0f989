using Fatechat.Server.Storage;

namespace Fatechat.Tests.Adapters.Sqlite;

// The contracts against the embedded backend: a fresh SQLite file per test.

public sealed class SqliteUserRepositoryTests : UserRepositoryContract
{
    private SqliteTestDatabase _db = null!;

    protected override async Task<IUserRepository> CreateRepositoryAsync()
    {
        _db = new SqliteTestDatabase();
        return new SqliteUserRepository(await _db.MigratedAsync());
    }

    [TearDown]
    public void DeleteDatabase() => _db.Dispose();
}

public sealed class SqliteRoomRepositoryTests : RoomRepositoryContract
{
    private SqliteTestDatabase _db = null!;

    protected override async Task<IRoomRepository> CreateRepositoryAsync()
    {
        _db = new SqliteTestDatabase();
        return new SqliteRoomRepository(await _db.MigratedAsync());
    }

    [TearDown]
    public void DeleteDatabase() => _db.Dispose();
}

public sealed class SqliteMessageRepositoryTests : MessageRepositoryContract
{
    private SqliteTestDatabase _db = null!;

    protected override async Task<IMessageRepository> CreateRepositoryAsync()
    {
        _db = new SqliteTestDatabase();
        return new SqliteMessageRepository(await _db.MigratedAsync());
    }

    [TearDown]
    public void DeleteDatabase() => _db.Dispose();
}

public sealed class SqliteSchemaMigratorTests : SchemaMigratorContract
{
    private SqliteTestDatabase? _db;

    [SetUp]
    public void NewDatabase() => _db = new SqliteTestDatabase();

    protected override Task<(ISchemaMigrator Migrator, IRoomRepository Rooms)> CreateAsync() =>
        Task.FromResult<(ISchemaMigrator, IRoomRepository)>((_db!.NewMigrator(), new SqliteRoomRepository(_db.Database)));

    [TearDown]
    public void DeleteDatabase() => _db?.Dispose();

    [Test]
    public async Task EachScriptIsRecordedOnce()
    {
        await _db!.NewMigrator().MigrateAsync(CancellationToken.None);
        await _db.NewMigrator().MigrateAsync(CancellationToken.None);

        await using var connection = await _db.Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.That(reader.GetInt64(0), Is.EqualTo(SchemaMigration.Load("Sqlite").Count));
        Assert.That(reader.GetInt64(1), Is.EqualTo(reader.GetInt64(0)));
    }
}
