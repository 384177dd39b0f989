using Dapper;
using Fatechat.Server.Rooms;
using Microsoft.Data.Sqlite;

namespace Fatechat.Server.Storage;

public sealed class SqliteRoomRepository(SqliteDatabase database) : IRoomRepository
{
    private const string Columns = "id AS Id, name AS Name, created_at AS CreatedAt, updated_at AS UpdatedAt";

    private const string Insert = """
        INSERT INTO chat_rooms (name, created_at, updated_at) VALUES (@Name, @CreatedAt, @CreatedAt) RETURNING id
        """;

    private const string SelectAll = $"SELECT {Columns} FROM chat_rooms ORDER BY id";
    private const string SelectById = $"SELECT {Columns} FROM chat_rooms WHERE id = @Id";
    private const string SelectByName = $"SELECT {Columns} FROM chat_rooms WHERE name = @Name";

    public async Task<ChatRoom?> TryCreateAsync(string name, DateTime createdAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Insert,
                new { Name = name, CreatedAt = SqliteDatabase.ToUnixMs(createdAt) }, cancellationToken: cancellationToken));
            return new ChatRoom(id, name, createdAt, createdAt);
        }
        catch (SqliteException e) when (SqliteDatabase.IsUniqueViolation(e))
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<ChatRoom>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RoomRow>(new CommandDefinition(SelectAll, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRoom()).ToList();
    }

    public Task<ChatRoom?> FindByIdAsync(long id, CancellationToken cancellationToken) =>
        FindAsync(SelectById, new { Id = id }, cancellationToken);

    public Task<ChatRoom?> FindByNameAsync(string name, CancellationToken cancellationToken) =>
        FindAsync(SelectByName, new { Name = name }, cancellationToken);

    private async Task<ChatRoom?> FindAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<RoomRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return row?.ToRoom();
    }

    private sealed record RoomRow(long Id, string Name, long CreatedAt, long UpdatedAt)
    {
        public ChatRoom ToRoom() => new(Id, Name, SqliteDatabase.FromUnixMs(CreatedAt), SqliteDatabase.FromUnixMs(UpdatedAt));
    }
}
