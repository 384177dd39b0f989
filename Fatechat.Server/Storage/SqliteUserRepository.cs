using Dapper;
using Fatechat.Server.Auth;
using Microsoft.Data.Sqlite;

namespace Fatechat.Server.Storage;

public sealed class SqliteUserRepository(SqliteDatabase database) : IUserRepository
{
    private const string Insert = """
        INSERT INTO users (email, password_hash, created_at, updated_at)
        VALUES (@Email, @PasswordHash, @CreatedAt, @CreatedAt)
        RETURNING id
        """;

    private const string SelectByEmail = """
        SELECT id AS Id, email AS Email, password_hash AS PasswordHash, created_at AS CreatedAt
        FROM users WHERE email = @Email
        """;

    // email is COLLATE NOCASE: the comparison ignores case, as registration does.
    private const string SelectExists = "SELECT EXISTS (SELECT 1 FROM users WHERE id = @Id AND email = @Email)";

    public async Task<UserAccount?> TryCreateAsync(string email, string passwordHash, DateTime createdAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Insert,
                new { Email = email, PasswordHash = passwordHash, CreatedAt = SqliteDatabase.ToUnixMs(createdAt) },
                cancellationToken: cancellationToken));
            return new UserAccount(id, email, passwordHash, createdAt);
        }
        catch (SqliteException e) when (SqliteDatabase.IsUniqueViolation(e))
        {
            return null;
        }
    }

    public async Task<UserAccount?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(SelectByEmail,
            new { Email = email }, cancellationToken: cancellationToken));
        return row is null ? null : new UserAccount(row.Id, row.Email, row.PasswordHash, SqliteDatabase.FromUnixMs(row.CreatedAt));
    }

    public async Task<bool> ExistsAsync(long id, string email, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(SelectExists, new { Id = id, Email = email }, cancellationToken: cancellationToken));
    }

    private sealed record UserRow(long Id, string Email, string PasswordHash, long CreatedAt);
}
