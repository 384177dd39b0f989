using Fatechat.Server.Storage;

namespace Fatechat.Tests.Adapters.MySql;

/// <summary>
/// The database of one MySQL contract fixture: created for its first test, migrated for each (migrations are
/// idempotent), dropped after its last. The contracts use unique names per test, so the tests of a fixture share it.
/// </summary>
internal sealed class MySqlFixtureDatabase : IAsyncDisposable
{
    private MySqlTestDatabase? _db;

    /// <summary>The database that the current test's repository uses.</summary>
    public MySqlTestDatabase Current => _db ?? throw new InvalidOperationException("No test of this fixture has created its database yet.");

    public async Task<MySqlDatabase> MigratedAsync()
    {
        _db ??= await MySqlTestDatabase.CreateAsync();
        return await _db.MigratedAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }
}
