using Dapper;
using Fatechat.Server.Messaging;
using MySqlConnector;

namespace Fatechat.Server.Storage;

/// <summary>
/// Takes over the data of the Node app that Fatechat replaces, when its Sequelize tables share the database:
/// <c>Users(id, email, password, createdAt, updatedAt)</c>, <c>ChatRooms(id, name, …)</c> and
/// <c>Messages(id, message_text, sender_mail, is_event, room_name, createdAt, updatedAt)</c>. They are copied into
/// Fatechat's own tables, which stay the only ones Fatechat reads (docs/migrating-from-node.md says why):
/// <list type="bullet">
/// <item>users keep their id (when Fatechat has not given it to someone else), e-mail and bcryptjs hash, which
/// BCrypt.Net verifies as it is; an e-mail Fatechat already has is left alone;</item>
/// <item>rooms keep their id and name the same way;</item>
/// <item>messages get a ULID made from their creation time and Node id (<see cref="MessageIdGenerator.FromNodeId"/>),
/// so order and timestamps come across and the same row always maps to the same id; event rows stay events.</item>
/// </list>
/// Runs under the migration lock, in batches, each in one transaction with its place in <c>node_import</c>: a
/// start imports only rows newer than the last one, an interrupted start resumes, and none is imported twice.
/// </summary>
public sealed partial class NodeAppImporter(NodeAppTables tables, ILogger<NodeAppImporter> logger)
{
    private const int BatchSize = 1000;
    private static readonly string[] SourceTables = ["Users", "ChatRooms", "Messages"];

    private const string SelectTables = "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()";
    private const string SelectLastId = "SELECT last_id FROM node_import WHERE source_table = @Source";
    private const string SaveLastId = """
        INSERT INTO node_import (source_table, last_id, updated_at) VALUES (@Source, @LastId, UTC_TIMESTAMP(3))
        ON DUPLICATE KEY UPDATE last_id = VALUES(last_id), updated_at = VALUES(updated_at)
        """;

    private const string SelectUsers = """
        SELECT id AS Id, COALESCE(email, '') AS Email, COALESCE(password, '') AS Password, createdAt AS CreatedAt,
               COALESCE(updatedAt, createdAt) AS UpdatedAt
        FROM Users WHERE id > @After ORDER BY id LIMIT @Limit
        """;

    // The Node id when it is free, else a new one; a taken e-mail (unique email_key) is a duplicate-key error.
    // INSERT ... SELECT, the form in which MySQL and MariaDB both let the statement read its own target table.
    private const string InsertUser = """
        INSERT INTO users (id, email, password_hash, created_at, updated_at)
        SELECT IF(EXISTS (SELECT 1 FROM users u WHERE u.id = @Id), NULL, @Id), @Email, @Password, @CreatedAt, @UpdatedAt
        """;

    private const string SelectRooms = """
        SELECT id AS Id, COALESCE(name, '') AS Name, createdAt AS CreatedAt, COALESCE(updatedAt, createdAt) AS UpdatedAt
        FROM ChatRooms WHERE id > @After ORDER BY id LIMIT @Limit
        """;

    private const string InsertRoom = """
        INSERT INTO chat_rooms (id, name, created_at, updated_at)
        SELECT IF(EXISTS (SELECT 1 FROM chat_rooms r WHERE r.id = @Id), NULL, @Id), @Name, @CreatedAt, @UpdatedAt
        """;

    private const string SelectMessages = """
        SELECT id AS Id, COALESCE(message_text, '') AS Text, COALESCE(sender_mail, '') AS SenderMail,
               COALESCE(is_event, 0) AS IsEvent, COALESCE(room_name, '') AS RoomName,
               createdAt AS CreatedAt, COALESCE(updatedAt, createdAt) AS UpdatedAt
        FROM Messages WHERE id > @After ORDER BY id LIMIT @Limit
        """;

    private const string InsertMessage = """
        INSERT INTO messages (id, room_name, message_text, sender_mail, is_event, created_at, updated_at)
        VALUES (@Id, @RoomName, @Text, @SenderMail, @IsEvent, @CreatedAt, @UpdatedAt)
        """;

    /// <summary>Imports what is new in the Node app's tables, if the database has them; one log line of counts.</summary>
    public async Task ImportAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var present = (await connection.QueryAsync<string>(new CommandDefinition(SelectTables, cancellationToken: cancellationToken)))
            .ToHashSet(StringComparer.Ordinal);
        if (!SourceTables.All(present.Contains))
        {
            return;
        }

        tables.MarkFound();
        var users = await ImportTableAsync<NodeUser>(connection, "Users", SelectUsers, u => u.Id, InsertUser, u => new
        {
            u.Id, u.Email, u.Password, CreatedAt = Utc(u.CreatedAt), UpdatedAt = Utc(u.UpdatedAt),
        }, cancellationToken);
        var rooms = await ImportTableAsync<NodeRoom>(connection, "ChatRooms", SelectRooms, r => r.Id, InsertRoom, r => new
        {
            r.Id, r.Name, CreatedAt = Utc(r.CreatedAt), UpdatedAt = Utc(r.UpdatedAt),
        }, cancellationToken);
        var messages = await ImportTableAsync<NodeMessage>(connection, "Messages", SelectMessages, m => m.Id, InsertMessage, m => new
        {
            Id = MessageIdGenerator.FromNodeId(Utc(m.CreatedAt), m.Id),
            m.RoomName,
            m.Text,
            m.SenderMail,
            IsEvent = m.IsEvent != 0,
            CreatedAt = Utc(m.CreatedAt),
            UpdatedAt = Utc(m.UpdatedAt),
        }, cancellationToken);
        LogImported(users.Imported, rooms.Imported, messages.Imported, users.Skipped + rooms.Skipped + messages.Skipped, connection.Database);
    }

    private static async Task<(int Imported, int Skipped)> ImportTableAsync<TRow>(
        MySqlConnection connection, string source, string select, Func<TRow, long> idOf, string insert, Func<TRow, object> parameters,
        CancellationToken cancellationToken)
    {
        var after = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(SelectLastId, new { Source = source },
            cancellationToken: cancellationToken)) ?? 0;
        int imported = 0, skipped = 0;
        while (true)
        {
            var batch = (await connection.QueryAsync<TRow>(new CommandDefinition(select, new { After = after, Limit = BatchSize },
                cancellationToken: cancellationToken))).ToList();
            if (batch.Count == 0)
            {
                return (imported, skipped);
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var row in batch)
            {
                if (await TryInsertAsync(connection, transaction, insert, parameters(row), cancellationToken))
                {
                    imported++;
                }
                else
                {
                    skipped++;
                }
            }

            after = idOf(batch[^1]);
            await connection.ExecuteAsync(new CommandDefinition(SaveLastId, new { Source = source, LastId = after }, transaction,
                cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>False when a unique key already holds the row: an e-mail or room name Fatechat has, a message imported before.</summary>
    private static async Task<bool> TryInsertAsync(MySqlConnection connection, MySqlTransaction transaction, string sql, object parameters, CancellationToken cancellationToken)
    {
        // A savepoint, so that a refused row does not undo the rest of the batch.
        await connection.ExecuteAsync(new CommandDefinition("SAVEPOINT node_row", transaction: transaction, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
            return true;
        }
        catch (MySqlException e) when (MySqlDatabase.IsDuplicateKey(e))
        {
            await connection.ExecuteAsync(new CommandDefinition("ROLLBACK TO SAVEPOINT node_row", transaction: transaction, cancellationToken: cancellationToken));
            return false;
        }
    }

    /// <summary>Sequelize wrote DATETIME in UTC without fractions.</summary>
    private static DateTime Utc(DateTime value) => MySqlDatabase.ToColumn(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information,
        Message = "Node app tables found in database {Database}: imported {Users} users, {Rooms} rooms, {Messages} messages ({Skipped} already present)")]
    private partial void LogImported(int users, int rooms, int messages, int skipped, string database);

    // Dapper fills these by column alias; classes with setters so that it converts the column types.
    private sealed class NodeUser
    {
        public long Id { get; init; }
        public string Email { get; init; } = "";
        public string Password { get; init; } = "";
        public DateTime CreatedAt { get; init; }
        public DateTime UpdatedAt { get; init; }
    }

    private sealed class NodeRoom
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public DateTime CreatedAt { get; init; }
        public DateTime UpdatedAt { get; init; }
    }

    private sealed class NodeMessage
    {
        public long Id { get; init; }
        public string Text { get; init; } = "";
        public string SenderMail { get; init; } = "";
        public long IsEvent { get; init; }
        public string RoomName { get; init; } = "";
        public DateTime CreatedAt { get; init; }
        public DateTime UpdatedAt { get; init; }
    }
}
