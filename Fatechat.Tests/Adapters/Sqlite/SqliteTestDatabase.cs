using Fatechat.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fatechat.Tests.Adapters.Sqlite;

/// <summary>A migrated SQLite file of its own in the temp folder, deleted afterwards.</summary>
internal sealed class SqliteTestDatabase : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fatechat-sqlite-").FullName;

    public SqliteTestDatabase()
    {
        Database = new SqliteDatabase(Path.Combine(_folder, "test.db"));
    }

    public SqliteDatabase Database { get; }

    public SqliteSchemaMigrator NewMigrator() => new(Database, NullLogger<SqliteSchemaMigrator>.Instance);

    public async Task<SqliteDatabase> MigratedAsync()
    {
        await NewMigrator().MigrateAsync(CancellationToken.None);
        return Database;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
