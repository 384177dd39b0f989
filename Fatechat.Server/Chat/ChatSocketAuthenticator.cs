using System.Text.Json;
using Fatechat.Protocol.SocketIO;
using Fatechat.Server.Api;
using Fatechat.Server.Auth;

namespace Fatechat.Server.Chat;

/// <summary>
/// Finds the caller's token in the handshake: the <c>authorization</c> header (raw or <c>Bearer</c>-prefixed, sent by
/// the original frontend through polling <c>extraHeaders</c>), else the auth payload <c>{token}</c>, the only
/// place a WebSocket-only browser client can put it, else the handshake's <c>token</c> query parameter, where
/// socket.io-client 2.x puts it (its <c>query</c> option; it has no auth payload).
/// </summary>
public sealed class ChatSocketAuthenticator(JwtTokenService tokens)
{
    public async Task<ChatUser?> AuthenticateAsync(SocketIOHandshake handshake)
    {
        var fromHeader = JwtTokenService.ExtractToken(handshake.Headers.Authorization);
        if (fromHeader is not null && await tokens.ValidateAsync(fromHeader) is { } user)
        {
            return user;
        }

        var auth = handshake.Auth;
        if (auth.ValueKind == JsonValueKind.Object
            && auth.TryGetProperty("token", out var token)
            && token.ValueKind == JsonValueKind.String)
        {
            // A token that is not even text (a lone surrogate) is no token: the socket is refused as for a bad one.
            return JsonStrings.TryGet(token, out var text) ? await tokens.ValidateAsync(JwtTokenService.ExtractToken(text)) : null;
        }

        string? fromQuery = handshake.Query["token"];
        return string.IsNullOrEmpty(fromQuery) ? null : await tokens.ValidateAsync(JwtTokenService.ExtractToken(fromQuery));
    }
}
