using System.Text.Json;
using Fatechat.Protocol.SocketIO;
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
    /// <summary>The first place that holds a valid token wins; when none does, the first place that held one says why.</summary>
    public async Task<TokenCheck> AuthenticateAsync(SocketIOHandshake handshake)
    {
        var fromHeader = JwtTokenService.ExtractToken(handshake.Headers.Authorization);
        TokenCheck? headerCheck = null;
        if (fromHeader is not null)
        {
            headerCheck = await tokens.CheckAsync(fromHeader);
            if (headerCheck.User is not null)
            {
                return headerCheck;
            }
        }

        var auth = handshake.Auth;
        if (auth.ValueKind == JsonValueKind.Object
            && auth.TryGetProperty("token", out var token)
            && token.ValueKind == JsonValueKind.String)
        {
            // The parser refused any string that is not valid UTF-16 (a lone surrogate) before this.
            var authCheck = await tokens.CheckAsync(JwtTokenService.ExtractToken(token.GetString()));
            return authCheck.User is null && headerCheck is not null ? headerCheck : authCheck;
        }

        string? fromQuery = handshake.Query["token"];
        if (!string.IsNullOrEmpty(fromQuery))
        {
            var queryCheck = await tokens.CheckAsync(JwtTokenService.ExtractToken(fromQuery));
            return queryCheck.User is null && headerCheck is not null ? headerCheck : queryCheck;
        }

        return headerCheck ?? TokenCheck.Refused("no token");
    }
}
