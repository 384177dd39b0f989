using Dapper;
using Fatechat.Server.Chat;
using Fatechat.Server.Private;
using MySqlConnector;

namespace Fatechat.Server.Storage;

/// <summary>
/// Room and private messages keyed by their ULID. A redelivered message hits the primary key and is reported as
/// already stored; a second message with a sender's client message id hits the key of <c>client_message_ids</c>
/// and is rolled back. A plain INSERT whose duplicate-key error is caught is used rather than INSERT IGNORE, which
/// would also turn a too-long value into a silent truncation, or ON DUPLICATE KEY UPDATE, whose affected-row count cannot
/// tell a duplicate from an insert under MySqlConnector's default (found rows) setting.
/// </summary>
public sealed class MySqlMessageRepository(MySqlDatabase database) : IMessageRepository
{
    private const string InsertRoomMessage = """
        INSERT INTO messages (id, room_name, message_text, sender_mail, is_event, created_at, updated_at)
        VALUES (@Id, @RoomName, @Text, @SenderMail, @IsEvent, @CreatedAt, @CreatedAt)
        """;

    private const string InsertClientMessageId = """
        INSERT INTO client_message_ids (sender_mail, client_message_id, message_id, created_at)
        VALUES (@SenderMail, @ClientMessageId, @Id, @CreatedAt)
        """;

    private const string RoomMessageColumns = """
        SELECT id AS Id, room_name AS RoomName, message_text AS Text, sender_mail AS SenderMail,
               is_event <> 0 AS IsEvent, created_at AS CreatedAt
        FROM messages
        """;

    // Two queries rather than "@BeforeId IS NULL OR id < @BeforeId", so each is a plain range scan of the index.
    private const string SelectLatestRoomMessages = $"""
        {RoomMessageColumns}
        WHERE room_name = @RoomName
        ORDER BY id DESC
        LIMIT @Limit
        """;

    private const string SelectRoomMessagesBefore = $"""
        {RoomMessageColumns}
        WHERE room_name = @RoomName AND id < @BeforeId
        ORDER BY id DESC
        LIMIT @Limit
        """;

    private const string InsertPrivateMessage = """
        INSERT INTO private_messages (id, conversation_key, sender_mail, recipient_mail, message_text, created_at)
        VALUES (@Id, @ConversationKey, @FromMail, @ToMail, @Text, @CreatedAt)
        """;

    private const string PrivateMessageColumns = """
        SELECT id AS Id, sender_mail AS FromMail, recipient_mail AS ToMail, message_text AS Text, created_at AS CreatedAt
        FROM private_messages
        """;

    private const string TouchConversations = """
        INSERT INTO private_conversations (user_mail, other_mail, last_message_id)
        VALUES (@FromMail, @ToMail, @Id), (@ToMail, @FromMail, @Id)
        ON DUPLICATE KEY UPDATE last_message_id = GREATEST(last_message_id, VALUES(last_message_id))
        """;

    private const string SelectConversations = """
        SELECT p.id AS Id, p.sender_mail AS FromMail, p.recipient_mail AS ToMail, p.message_text AS Text, p.created_at AS CreatedAt
        FROM private_conversations c JOIN private_messages p ON p.id = c.last_message_id
        WHERE c.user_mail = @User
        ORDER BY c.last_message_id DESC
        LIMIT @Limit
        """;

    private const string SelectLatestConversation = $"""
        {PrivateMessageColumns}
        WHERE conversation_key = @ConversationKey
        ORDER BY id DESC
        LIMIT @Limit
        """;

    private const string SelectConversationBefore = $"""
        {PrivateMessageColumns}
        WHERE conversation_key = @ConversationKey AND id < @BeforeId
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
            message.IsEvent,
            CreatedAt = MySqlDatabase.ToColumn(message.CreatedAt),
            message.ClientMessageId,
        };
        if (message.ClientMessageId is null)
        {
            return await InsertOnceAsync(InsertRoomMessage, parameters, cancellationToken);
        }

        // The message and its client id together: a second message with the sender's client id is rolled back.
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var outcome = await InsertAsync(connection, transaction, InsertRoomMessage, parameters, StoreOutcome.AlreadyStored, cancellationToken);
        if (outcome == StoreOutcome.Stored)
        {
            outcome = await InsertAsync(connection, transaction, InsertClientMessageId, parameters, StoreOutcome.ClientMessageIdTaken, cancellationToken);
        }

        if (outcome == StoreOutcome.Stored)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return outcome;
    }

    public async Task<IReadOnlyList<ChatMessage>> GetRoomMessagesAsync(string roomName, string? beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RoomMessageRow>(new CommandDefinition(
            beforeId is null ? SelectLatestRoomMessages : SelectRoomMessagesBefore,
            new { RoomName = roomName, BeforeId = beforeId, Limit = limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new ChatMessage(r.Id, r.RoomName, r.Text, r.SenderMail, r.IsEvent != 0, MySqlDatabase.FromColumn(r.CreatedAt))).ToList();
    }

    public async Task<StoreOutcome> AddPrivateMessageAsync(PrivateMessage message, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            message.Id,
            ConversationKey = PrivateMessage.ConversationKey(message.FromMail, message.ToMail),
            message.FromMail,
            message.ToMail,
            message.Text,
            CreatedAt = MySqlDatabase.ToColumn(message.CreatedAt),
            SenderMail = message.FromMail,
            message.ClientMessageId,
        };
        // The message, its client id and both sides' conversation rows in one transaction: the list never names a
        // message that is not there, and a second message with the sender's client id is rolled back.
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var outcome = await InsertAsync(connection, transaction, InsertPrivateMessage, parameters, StoreOutcome.AlreadyStored, cancellationToken);
        if (outcome == StoreOutcome.Stored && message.ClientMessageId is not null)
        {
            outcome = await InsertAsync(connection, transaction, InsertClientMessageId, parameters, StoreOutcome.ClientMessageIdTaken, cancellationToken);
        }

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
        return rows.Select(r => new PrivateMessage(r.Id, r.FromMail, r.ToMail, r.Text, MySqlDatabase.FromColumn(r.CreatedAt))).ToList();
    }

    public async Task<IReadOnlyList<PrivateMessage>> GetConversationAsync(string userA, string userB, string? beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PrivateMessageRow>(new CommandDefinition(
            beforeId is null ? SelectLatestConversation : SelectConversationBefore,
            new { ConversationKey = PrivateMessage.ConversationKey(userA, userB), BeforeId = beforeId, Limit = limit },
            cancellationToken: cancellationToken));
        return rows.Select(r => new PrivateMessage(r.Id, r.FromMail, r.ToMail, r.Text, MySqlDatabase.FromColumn(r.CreatedAt))).ToList();
    }

    /// <summary>AlreadyStored when the primary key already holds this message id (the message was delivered twice).</summary>
    private async Task<StoreOutcome> InsertOnceAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await InsertAsync(connection, null, sql, parameters, StoreOutcome.AlreadyStored, cancellationToken);
    }

    /// <summary>Stored, or <paramref name="onDuplicate"/> when a unique key refused the row.</summary>
    private static async Task<StoreOutcome> InsertAsync(MySqlConnection connection, MySqlTransaction? transaction, string sql, object parameters,
        StoreOutcome onDuplicate, CancellationToken cancellationToken)
    {
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
            return StoreOutcome.Stored;
        }
        catch (MySqlException e) when (MySqlDatabase.IsDuplicateKey(e))
        {
            return onDuplicate;
        }
    }

    // Classes with setters, not positional records: Dapper then converts column types, which differ between MySQL
    // and MariaDB (the type of a comparison such as is_event <> 0 is BIGINT on one, INT on the other).
    private sealed class RoomMessageRow
    {
        public string Id { get; init; } = "";
        public string RoomName { get; init; } = "";
        public string Text { get; init; } = "";
        public string SenderMail { get; init; } = "";
        public long IsEvent { get; init; }
        public DateTime CreatedAt { get; init; }
    }

    private sealed class PrivateMessageRow
    {
        public string Id { get; init; } = "";
        public string FromMail { get; init; } = "";
        public string ToMail { get; init; } = "";
        public string Text { get; init; } = "";
        public DateTime CreatedAt { get; init; }
    }
}
