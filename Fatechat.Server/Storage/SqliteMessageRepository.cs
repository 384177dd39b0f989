using System.Data.Common;
using Dapper;
using Fatechat.Server.Chat;
using Fatechat.Server.Private;
using Microsoft.Data.Sqlite;

namespace Fatechat.Server.Storage;

public sealed class SqliteMessageRepository(SqliteDatabase database) : IMessageRepository
{
    // OR IGNORE: the primary key on id turns a redelivered message into a no-op.
    private const string InsertRoomMessage = """
        INSERT OR IGNORE INTO messages (id, room_name, message_text, sender_mail, is_event, created_at, updated_at)
        VALUES (@Id, @RoomName, @Text, @SenderMail, @IsEvent, @CreatedAt, @CreatedAt)
        """;

    // OR IGNORE again: the key on (sender, client id) reports a second message with that client id as no row.
    private const string InsertClientMessageId = """
        INSERT OR IGNORE INTO client_message_ids (sender_mail, client_message_id, message_id, created_at)
        VALUES (@SenderMail, @ClientMessageId, @Id, @CreatedAt)
        """;

    private const string DeleteRoomMessage = "DELETE FROM messages WHERE id = @Id";

    private const string SelectRoomMessages = """
        SELECT id AS Id, room_name AS RoomName, message_text AS Text, sender_mail AS SenderMail,
               is_event AS IsEvent, created_at AS CreatedAt
        FROM messages
        WHERE room_name = @RoomName AND (@BeforeId IS NULL OR id < @BeforeId)
        ORDER BY id DESC
        LIMIT @Limit
        """;

    private const string InsertPrivateMessage = """
        INSERT OR IGNORE INTO private_messages (id, conversation_key, sender_mail, recipient_mail, message_text, created_at)
        VALUES (@Id, @ConversationKey, @FromMail, @ToMail, @Text, @CreatedAt)
        """;

    private const string TouchConversations = """
        INSERT INTO private_conversations (user_mail, other_mail, last_message_id)
        VALUES (@FromMail, @ToMail, @Id), (@ToMail, @FromMail, @Id)
        ON CONFLICT (user_mail, other_mail) DO UPDATE SET last_message_id = MAX(last_message_id, excluded.last_message_id)
        """;

    private const string SelectConversations = """
        SELECT p.id AS Id, p.sender_mail AS FromMail, p.recipient_mail AS ToMail, p.message_text AS Text, p.created_at AS CreatedAt
        FROM private_conversations c JOIN private_messages p ON p.id = c.last_message_id
        WHERE c.user_mail = @User
        ORDER BY c.last_message_id DESC
        LIMIT @Limit
        """;

    private const string SelectConversation = """
        SELECT id AS Id, sender_mail AS FromMail, recipient_mail AS ToMail, message_text AS Text, created_at AS CreatedAt
        FROM private_messages
        WHERE conversation_key = @ConversationKey AND (@BeforeId IS NULL OR id < @BeforeId)
        ORDER BY id DESC
        LIMIT @Limit
        """;

    public async Task<StoreOutcome> AddRoomMessageAsync(ChatMessage message, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            message.Id,
            message.RoomName,
            message.Text,
            message.SenderMail,
            IsEvent = message.IsEvent ? 1 : 0,
            CreatedAt = SqliteDatabase.ToUnixMs(message.CreatedAt),
            message.ClientMessageId,
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        if (message.ClientMessageId is null)
        {
            var inserted = await connection.ExecuteAsync(new CommandDefinition(InsertRoomMessage, parameters, cancellationToken: cancellationToken));
            return inserted == 1 ? StoreOutcome.Stored : StoreOutcome.AlreadyStored;
        }

        // The message and its client id together: a second message with the sender's client id is rolled back.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var outcome = await InsertMessageAndClientIdAsync(connection, transaction, InsertRoomMessage, parameters, message.ClientMessageId, cancellationToken);
        if (outcome == StoreOutcome.Stored)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return outcome;
    }

    /// <summary>
    /// One transaction for the whole batch, each statement compiled once: the file is written and locked once per batch
    /// instead of once per message. A message whose client id its sender already used is taken out again in the same
    /// transaction, as <see cref="AddRoomMessageAsync"/> rolls it back.
    /// </summary>
    public async Task<IReadOnlyList<StoreOutcome>> AddRoomMessagesAsync(IReadOnlyList<ChatMessage> batch, CancellationToken cancellationToken)
    {
        var outcomes = new StoreOutcome[batch.Count];
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        using var insertMessage = BatchCommand(connection, transaction, InsertRoomMessage, "@Id", "@RoomName", "@Text", "@SenderMail", "@IsEvent", "@CreatedAt");
        using var insertClientId = BatchCommand(connection, transaction, InsertClientMessageId, "@SenderMail", "@ClientMessageId", "@Id", "@CreatedAt");
        using var removeMessage = BatchCommand(connection, transaction, DeleteRoomMessage, "@Id");
        for (var i = 0; i < batch.Count; i++)
        {
            var message = batch[i];
            var createdAt = SqliteDatabase.ToUnixMs(message.CreatedAt);
            if (Run(insertMessage, message.Id, message.RoomName, message.Text, message.SenderMail, message.IsEvent ? 1 : 0, createdAt) == 0)
            {
                outcomes[i] = StoreOutcome.AlreadyStored;
            }
            else if (message.ClientMessageId is { } clientMessageId && Run(insertClientId, message.SenderMail, clientMessageId, message.Id, createdAt) == 0)
            {
                Run(removeMessage, message.Id);
                outcomes[i] = StoreOutcome.ClientMessageIdTaken;
            }
            else
            {
                outcomes[i] = StoreOutcome.Stored;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return outcomes;
    }

    private static SqliteCommand BatchCommand(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameterNames)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    /// <summary>Runs a <see cref="BatchCommand"/> with these values for its parameters, in their order; the rows it changed.</summary>
    private static int Run(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        return command.ExecuteNonQuery();
    }

    public async Task<IReadOnlyList<ChatMessage>> GetRoomMessagesAsync(string roomName, string? beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RoomMessageRow>(new CommandDefinition(SelectRoomMessages,
            new { RoomName = roomName, BeforeId = beforeId, Limit = limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new ChatMessage(r.Id, r.RoomName, r.Text, r.SenderMail, r.IsEvent != 0, SqliteDatabase.FromUnixMs(r.CreatedAt))).ToList();
    }

    public async Task<StoreOutcome> AddPrivateMessageAsync(PrivateMessage message, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var parameters = new
        {
            message.Id,
            ConversationKey = PrivateMessage.ConversationKey(message.FromMail, message.ToMail),
            message.FromMail,
            message.ToMail,
            message.Text,
            CreatedAt = SqliteDatabase.ToUnixMs(message.CreatedAt),
            SenderMail = message.FromMail,
            message.ClientMessageId,
        };
        var outcome = await InsertMessageAndClientIdAsync(connection, transaction, InsertPrivateMessage, parameters, message.ClientMessageId, cancellationToken);
        if (outcome != StoreOutcome.Stored)
        {
            return outcome;
        }

        await connection.ExecuteAsync(new CommandDefinition(TouchConversations, parameters, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return StoreOutcome.Stored;
    }

    public async Task<IReadOnlyList<PrivateMessage>> ListConversationsAsync(string user, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PrivateMessageRow>(new CommandDefinition(SelectConversations,
            new { User = user, Limit = limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new PrivateMessage(r.Id, r.FromMail, r.ToMail, r.Text, SqliteDatabase.FromUnixMs(r.CreatedAt))).ToList();
    }

    public async Task<IReadOnlyList<PrivateMessage>> GetConversationAsync(string userA, string userB, string? beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PrivateMessageRow>(new CommandDefinition(SelectConversation,
            new { ConversationKey = PrivateMessage.ConversationKey(userA, userB), BeforeId = beforeId, Limit = limit },
            cancellationToken: cancellationToken));
        return rows.Select(r => new PrivateMessage(r.Id, r.FromMail, r.ToMail, r.Text, SqliteDatabase.FromUnixMs(r.CreatedAt))).ToList();
    }

    /// <summary>The message row, then (when it has one) its client id row; the caller commits only on Stored.</summary>
    private static async Task<StoreOutcome> InsertMessageAndClientIdAsync(SqliteConnection connection, DbTransaction transaction,
        string insertMessage, object parameters, string? clientMessageId, CancellationToken cancellationToken)
    {
        if (await connection.ExecuteAsync(new CommandDefinition(insertMessage, parameters, transaction, cancellationToken: cancellationToken)) == 0)
        {
            return StoreOutcome.AlreadyStored;
        }

        if (clientMessageId is null)
        {
            return StoreOutcome.Stored;
        }

        var inserted = await connection.ExecuteAsync(new CommandDefinition(InsertClientMessageId, parameters, transaction, cancellationToken: cancellationToken));
        return inserted == 1 ? StoreOutcome.Stored : StoreOutcome.ClientMessageIdTaken;
    }

    private sealed record RoomMessageRow(string Id, string RoomName, string Text, string SenderMail, long IsEvent, long CreatedAt);

    private sealed record PrivateMessageRow(string Id, string FromMail, string ToMail, string Text, long CreatedAt);
}
