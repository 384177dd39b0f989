using Fatechat.Server.Storage;

namespace Fatechat.Tests.Adapters.MySql;

// The contracts against MySQL (MariaDB 10.11 in CI): one migrated database per fixture (MySqlFixtureDatabase).

public sealed class MySqlUserRepositoryTests : UserRepositoryContract
{
    private readonly MySqlFixtureDatabase _db = new();

    protected override async Task<IUserRepository> CreateRepositoryAsync() => new MySqlUserRepository(await _db.MigratedAsync());

    [OneTimeTearDown]
    public Task DropDatabase() => _db.DisposeAsync().AsTask();

    [Test]
    public async Task EmailsDifferingOnlyInAccentsAreDifferentUsers()
    {
        var local = Guid.NewGuid().ToString("N");
        Assert.That(await Users.TryCreateAsync($"jose-{local}@example.test", "h1", AdapterTestData.NowMs(), CancellationToken.None), Is.Not.Null);
        Assert.That(await Users.TryCreateAsync($"josé-{local}@example.test", "h2", AdapterTestData.NowMs(), CancellationToken.None), Is.Not.Null);
        Assert.That((await Users.FindByEmailAsync($"JOSÉ-{local}@example.test", CancellationToken.None))!.PasswordHash, Is.EqualTo("h2"));
    }
}

public sealed class MySqlRoomRepositoryTests : RoomRepositoryContract
{
    private readonly MySqlFixtureDatabase _db = new();

    protected override async Task<IRoomRepository> CreateRepositoryAsync() => new MySqlRoomRepository(await _db.MigratedAsync());

    [OneTimeTearDown]
    public Task DropDatabase() => _db.DisposeAsync().AsTask();

    [Test]
    public async Task NamesDifferingInAccentsOrTrailingSpacesAreDifferentRooms()
    {
        var name = AdapterTestData.RoomName();
        var cafe = await Rooms.TryCreateAsync($"cafe-{name}", AdapterTestData.NowMs(), CancellationToken.None);
        var café = await Rooms.TryCreateAsync($"café-{name}", AdapterTestData.NowMs(), CancellationToken.None);
        var padded = await Rooms.TryCreateAsync($"cafe-{name} ", AdapterTestData.NowMs(), CancellationToken.None);

        Assert.That(new[] { cafe, café, padded }, Is.All.Not.Null);
        Assert.That((await Rooms.FindByNameAsync($"CAFÉ-{name}", CancellationToken.None))!.Id, Is.EqualTo(café!.Id));
        Assert.That((await Rooms.FindByNameAsync($"cafe-{name}", CancellationToken.None))!.Id, Is.EqualTo(cafe!.Id));
    }

    [Test]
    public async Task TimesAreCutToTheMillisecondLikeSqlite()
    {
        var precise = new DateTime(2026, 11, 28, 1, 29, 51, DateTimeKind.Utc).AddTicks(1_239_999);

        var room = await Rooms.TryCreateAsync(AdapterTestData.RoomName(), precise, CancellationToken.None);
        var read = await Rooms.FindByIdAsync(room!.Id, CancellationToken.None);

        Assert.That(read!.CreatedAt, Is.EqualTo(new DateTime(2026, 11, 28, 1, 29, 51, 123, DateTimeKind.Utc)));
        Assert.That(read, Is.EqualTo(room), "the returned room matches what was stored");
    }
}

public sealed class MySqlMessageRepositoryTests : MessageRepositoryContract
{
    private readonly MySqlFixtureDatabase _db = new();

    protected override async Task<IMessageRepository> CreateRepositoryAsync() => new MySqlMessageRepository(await _db.MigratedAsync());

    [OneTimeTearDown]
    public Task DropDatabase() => _db.DisposeAsync().AsTask();

    [Test]
    public async Task ConcurrentDuplicateDeliveriesStoreTheMessageOnce()
    {
        var room = AdapterTestData.RoomName();
        var message = AdapterTestData.Message(room);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Messages.AddRoomMessageAsync(message, CancellationToken.None)));

        Assert.That(results.Count(outcome => outcome == StoreOutcome.Stored), Is.EqualTo(1));
        Assert.That(await _db.Current.ScalarAsync<long>($"SELECT COUNT(*) FROM messages WHERE id = '{message.Id}'"), Is.EqualTo(1));
    }

    [Test]
    public async Task HistoryQueriesUseTheirIndexOnceTablesHaveManyRooms()
    {
        var rooms = Enumerable.Range(0, 40).Select(_ => AdapterTestData.RoomName()).ToList();
        var people = Enumerable.Range(0, 40).Select(i => AdapterTestData.Email($"p{i}")).ToList();
        foreach (var round in Enumerable.Range(0, 10))
        {
            await Task.WhenAll(rooms.Select(room => Messages.AddRoomMessageAsync(AdapterTestData.Message(room, $"m{round}"), CancellationToken.None)));
            await Task.WhenAll(people.Select((p, i) => Messages.AddPrivateMessageAsync(AdapterTestData.Private(p, people[(i + 1) % people.Count]), CancellationToken.None)));
        }

        await _db.Current.ScalarAsync<string>("ANALYZE TABLE messages, private_messages");
        var newest = (await Messages.GetRoomMessagesAsync(rooms[7], null, 1, CancellationToken.None))[0].Id;
        var conversation = Fatechat.Server.Private.PrivateMessage.ConversationKey(people[3], people[4]);

        Assert.That(await ExplainKeyAsync($"SELECT * FROM messages WHERE room_name = '{rooms[7]}' AND id < '{newest}' ORDER BY id DESC LIMIT 20"),
            Is.EqualTo("ix_messages_room_id"));
        Assert.That(await ExplainKeyAsync($"SELECT * FROM messages WHERE room_name = '{rooms[7]}' ORDER BY id DESC LIMIT 20"),
            Is.EqualTo("ix_messages_room_id"));
        Assert.That(await ExplainKeyAsync($"SELECT * FROM private_messages WHERE conversation_key = '{conversation.Replace("\n", "\\n")}' ORDER BY id DESC LIMIT 20"),
            Is.EqualTo("ix_private_messages_conversation_id"));
    }

    private async Task<object> ExplainKeyAsync(string query)
    {
        await using var connection = await _db.Current.Database.OpenAsync(CancellationToken.None);
        await using var command = new MySqlConnector.MySqlCommand("EXPLAIN " + query, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True);
        return reader["key"];
    }
}

public sealed class MySqlSchemaMigratorTests : SchemaMigratorContract
{
    private MySqlTestDatabase? _db;

    [SetUp]
    public async Task NewDatabase() => _db = await MySqlTestDatabase.CreateAsync();

    protected override Task<(ISchemaMigrator Migrator, IRoomRepository Rooms)> CreateAsync() =>
        Task.FromResult<(ISchemaMigrator, IRoomRepository)>((_db!.NewMigrator(), new MySqlRoomRepository(_db.Database)));

    [TearDown]
    public async Task DropDatabase()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    [Test]
    public async Task EachScriptIsRecordedOnceEvenWhenFourNodesStartTogether()
    {
        var migrators = Enumerable.Range(0, 4).Select(_ => _db!.NewMigrator()).ToList();

        await Task.WhenAll(migrators.Select(m => m.MigrateAsync(CancellationToken.None)));
        await _db!.NewMigrator().MigrateAsync(CancellationToken.None);

        Assert.That(await _db.ScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"), Is.EqualTo(SchemaMigration.Load("MySql").Count));
        Assert.That(await _db.ScalarAsync<long>("SELECT COUNT(DISTINCT version) FROM schema_migrations"), Is.EqualTo(SchemaMigration.Load("MySql").Count));
        Assert.That(SchemaMigration.Load("MySql"), Is.Not.Empty);
    }

    [Test]
    public async Task MigrationWaitsForTheLockHeldByAnotherNode()
    {
        await using var holder = await _db!.Database.OpenAsync(CancellationToken.None);
        await using (var take = new MySqlConnector.MySqlCommand($"SELECT GET_LOCK('fatechat.migrate.{_db.Name}', 5)", holder))
        {
            Assert.That(Convert.ToInt64(await take.ExecuteScalarAsync()), Is.EqualTo(1));
        }

        var migration = _db.NewMigrator().MigrateAsync(CancellationToken.None);
        await Task.Delay(500);
        Assert.That(migration.IsCompleted, Is.False, "migrated while another node held the lock");

        await using (var release = new MySqlConnector.MySqlCommand($"SELECT RELEASE_LOCK('fatechat.migrate.{_db.Name}')", holder))
        {
            await release.ExecuteScalarAsync();
        }

        await migration.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(await _db.ScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"), Is.EqualTo(SchemaMigration.Load("MySql").Count));
    }
}
