using Fatechat.Server.Storage;
using MySqlConnector;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fatechat.Tests.Adapters.MySql;

/// <summary>
/// A database of its own on the shared server (<c>fatechat_test_*</c>, which the test user may create), so fixtures
/// run in parallel and leave nothing behind; dropped on dispose.
/// </summary>
internal sealed class MySqlTestDatabase : IAsyncDisposable
{
    private readonly string _serverConnection;

    private MySqlTestDatabase(string serverConnection, string name, MySqlDataSource dataSource)
    {
        _serverConnection = serverConnection;
        Name = name;
        DataSource = dataSource;
        Database = new MySqlDatabase(dataSource);
    }

    public string Name { get; }

    public MySqlDataSource DataSource { get; }

    public MySqlDatabase Database { get; }

    /// <summary>The database's connection string (the test user's, with this database selected).</summary>
    public string ConnectionString => new MySqlConnectionStringBuilder(_serverConnection) { Database = Name }.ConnectionString;

    /// <summary>A new database on the shared server, or on <paramref name="serverConnection"/> (a fault test's own MariaDB).</summary>
    public static async Task<MySqlTestDatabase> CreateAsync(string? serverConnection = null)
    {
        var builder = new MySqlConnectionStringBuilder(serverConnection ?? RealServices.RequireMySql());
        var name = $"fatechat_test_{Guid.NewGuid():N}"[..40];
        await using (var connection = new MySqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new MySqlCommand($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", connection);
            await command.ExecuteNonQueryAsync();
        }

        var server = builder.ConnectionString;
        builder.Database = name;
        return new MySqlTestDatabase(server, name, new MySqlDataSourceBuilder(builder.ConnectionString).Build());
    }

    public MySqlSchemaMigrator NewMigrator() =>
        new(Database, new NodeAppImporter(new NodeAppTables(), NullLogger<NodeAppImporter>.Instance), NullLogger<MySqlSchemaMigrator>.Instance);

    public async Task<MySqlDatabase> MigratedAsync()
    {
        await NewMigrator().MigrateAsync(CancellationToken.None);
        return Database;
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        await using var command = new MySqlCommand(sql, connection);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T));
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await using var connection = new MySqlConnection(_serverConnection);
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"DROP DATABASE IF EXISTS `{Name}`", connection);
        await command.ExecuteNonQueryAsync();
    }
}
