using Dapper;

namespace Fatechat.Server.Storage;

/// <summary>Applies Storage/Sql/Sqlite scripts not yet recorded in <c>schema_migrations</c>, each in its own transaction.</summary>
public sealed class SqliteSchemaMigrator(SqliteDatabase database, ILogger<SqliteSchemaMigrator> logger) : ISchemaMigrator
{
    private const string CreateJournal = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER NOT NULL PRIMARY KEY,
            name       TEXT    NOT NULL,
            applied_at INTEGER NOT NULL
        );
        """;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // WAL is a property of the file, so setting it once here covers every later connection.
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode=WAL;", cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(CreateJournal, cancellationToken: cancellationToken));

        foreach (var migration in SchemaMigration.Load("Sqlite"))
        {
            // BEGIN IMMEDIATE takes the write lock first, so two processes starting together apply each script once.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var applied = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM schema_migrations WHERE version = @Version",
                new { migration.Version }, transaction, cancellationToken: cancellationToken));
            if (applied > 0)
            {
                continue;
            }

            await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                new { migration.Version, migration.Name, AppliedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("Applied SQLite migration {Version} {Name} to {Path}", migration.Version, migration.Name, database.Path);
        }
    }
}
