using Dapper;
using MySqlConnector;

namespace Fatechat.Server.Storage;

/// <summary>
/// Applies Storage/Sql/MySql scripts not yet recorded in <c>schema_migrations</c>. MySQL commits DDL implicitly, so
/// a transaction cannot make a script atomic; instead a named lock (GET_LOCK, per database) lets one node migrate
/// while the others wait, and every script is written to be safe to run again if a node died half-way. The Node
/// app's data, if its tables are there, is imported under the same lock (<see cref="NodeAppImporter"/>).
/// </summary>
public sealed partial class MySqlSchemaMigrator(MySqlDatabase database, NodeAppImporter nodeApp, ILogger<MySqlSchemaMigrator> logger) : ISchemaMigrator
{
    private const int LockTimeoutSeconds = 120;

    private const string CreateJournal = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INT          NOT NULL PRIMARY KEY,
            name       VARCHAR(255) NOT NULL,
            applied_at DATETIME(3)  NOT NULL
        ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
        """;

    // Lock names are server-wide: the database name keeps deployments (and test fixtures) on one server apart.
    private const string AcquireLock = "SELECT GET_LOCK(CONCAT('fatechat.migrate.', DATABASE()), @Timeout)";
    private const string ReleaseLock = "SELECT RELEASE_LOCK(CONCAT('fatechat.migrate.', DATABASE()))";
    private const string SelectApplied = "SELECT version FROM schema_migrations";
    private const string InsertApplied = """
        INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, UTC_TIMESTAMP(3))
        """;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (string.IsNullOrEmpty(connection.Database))
        {
            throw new InvalidOperationException("The MySQL connection string names no database (add Database=...).");
        }

        var locked = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(AcquireLock,
            new { Timeout = LockTimeoutSeconds }, cancellationToken: cancellationToken));
        if (locked != 1)
        {
            throw new TimeoutException(
                $"Another node held the schema migration lock of database '{connection.Database}' for more than {LockTimeoutSeconds} s.");
        }

        try
        {
            await ApplyPendingAsync(connection, cancellationToken);
            // Under the same lock: one node imports the Node app's data while the others wait.
            await nodeApp.ImportAsync(connection, cancellationToken);
        }
        finally
        {
            // The lock also ends with the session, should this fail; releasing it early lets waiting nodes go on.
            await connection.ExecuteScalarAsync<long?>(new CommandDefinition(ReleaseLock, cancellationToken: CancellationToken.None));
        }
    }

    private async Task ApplyPendingAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(CreateJournal, cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<int>(new CommandDefinition(SelectApplied, cancellationToken: cancellationToken))).ToHashSet();
        foreach (var migration in SchemaMigration.Load("MySql"))
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }

            await connection.ExecuteAsync(new CommandDefinition(migration.Sql, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(InsertApplied,
                new { migration.Version, migration.Name }, cancellationToken: cancellationToken));
            LogApplied(migration.Version, migration.Name, connection.Database);
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Applied MySQL migration {Version} {Name} to database {Database}")]
    private partial void LogApplied(int version, string name, string database);
}
