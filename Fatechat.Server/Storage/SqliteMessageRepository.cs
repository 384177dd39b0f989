using Dapper;
using Fatechat.Server.Chat;
using Fatechat.Server.Private;

namespace Fatechat.Server.Storage;

public sealed class SqliteMessageRepository(SqliteDatabase database) : IMessageRepository
{
    // OR IGNORE: the primary key on id turns a redelivered message into a no-op.
    private const string InsertRoomMessage = """
        INSERT OR IGNORE INTO messages (id, room_name, message_text, sender_mail, is_event, created_at, updated_at)
        VALUES (@Id, @RoomName, @Text, @SenderMail, @IsEvent, @CreatedAt, @CreatedAt)
        """;

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

    public async Task<bool> AddRoomMessageAsync(ChatMessage message, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(InsertRoomMessage, new
        {
            message.Id,
            message.RoomName,
            message.Text,
            message.SenderMail,
            IsEvent = message.IsEvent ? 1 : 0,
            CreatedAt = SqliteDatabase.ToUnixMs(message.CreatedAt),
        }, cancellationToken: cancellationToken));
        return inserted == 1;
    }

    public async Task<IReadOnlyList<ChatMessage>> GetRoomMessagesAsync(string roomName, string? beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RoomMessageRow>(new CommandDefinition(SelectRoomMessages,
            new { RoomName = roomName, BeforeId = beforeId, Limit = limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new ChatMessage(r.Id, r.RoomName, r.Text, r.SenderMail, r.IsEvent != 0, SqliteDatabase.FromUnixMs(r.CreatedAt))).ToList();
    }

    public async Task<bool> AddPrivateMessageAsync(PrivateMessage message, CancellationToken cancellationToken)
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
        };
        var inserted = await connection.ExecuteAsync(new CommandDefinition(InsertPrivateMessage, parameters, transaction, cancellationToken: cancellationToken));
        if (inserted == 1)
        {
            await connection.ExecuteAsync(new CommandDefinition(TouchConversations, parameters, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return inserted == 1;
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

    private sealed record RoomMessageRow(string Id, string RoomName, string Text, string SenderMail, long IsEvent, long CreatedAt);

    private sealed record PrivateMessageRow(string Id, string FromMail, string ToMail, string Text, long CreatedAt);
}
