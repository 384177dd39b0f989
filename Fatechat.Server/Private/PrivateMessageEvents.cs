using Fatechat.Protocol.SocketIO;
using Fatechat.Server.Chat;
using Fatechat.Server.Messaging;
using Fatechat.Server.Options;
using Fatechat.Server.Storage;
using Microsoft.Extensions.Options;

namespace Fatechat.Server.Private;

/// <summary>
/// <c>sendPrivateMessage {to, message, clientMessageId?}</c>: checked here, published once per client message id by
/// <see cref="ClientMessagePublisher"/>, stored and delivered by the message pipeline.
/// </summary>
public sealed class PrivateMessageEvents(ClientMessagePublisher sends, IUserRepository users, MessageIdGenerator ids, IOptions<ChatOptions> options)
{
    /// <summary>
    /// The socket room holding every socket of one user, on every node. The control character keeps it apart from
    /// chat room names, which cannot contain one.
    /// </summary>
    public static string UserRoom(string email) => "\u001Fuser:" + email;

    public async Task SendAsync(ChatSession session, SendPrivateMessageRequest? request, SocketIOAck? ack, CancellationToken cancellationToken)
    {
        var to = request?.To?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(to))
        {
            ChatSocketEvents.Refuse(session, ack, ChatEventNames.SendPrivateMessage, "to is required");
            return;
        }

        if (MessageRules.Check(request!.Message, options.Value) is { } problem)
        {
            ChatSocketEvents.Refuse(session, ack, ChatEventNames.SendPrivateMessage, problem);
            return;
        }

        if (ClientMessageIdRules.Check(request.ClientMessageId, out var clientMessageId) is { } badId)
        {
            ChatSocketEvents.Refuse(session, ack, ChatEventNames.SendPrivateMessage, badId);
            return;
        }

        var recipient = await users.FindByEmailAsync(to, cancellationToken);
        if (recipient is null)
        {
            ChatSocketEvents.Refuse(session, ack, ChatEventNames.SendPrivateMessage, $"Unknown recipient {to}");
            return;
        }

        var id = ids.NewId(out var createdAt);
        var message = new PrivateMessage(id, session.User.Email, recipient.Email, request.Message!, createdAt, clientMessageId);
        var pending = await sends.StartAsync(new PrivateMessagePosted(message), cancellationToken);
        ChatSocketEvents.AnswerWhenSettled(session, ack, ChatEventNames.SendPrivateMessage, pending.Outcome, outcome => new AcceptedPayload(true, outcome.MessageId));
    }
}
