using Fatechat.Protocol.EngineIO.Transports;
using Microsoft.AspNetCore.Http;

namespace Fatechat.Protocol.EngineIO;

/// <summary>What a request to the engine becomes.</summary>
internal enum AdmissionKind
{
    /// <summary>A handshake over polling: answer the open packet.</summary>
    OpenPolling,

    /// <summary>A handshake over WebSocket: switch protocols and open a session on it.</summary>
    OpenWebSocket,

    /// <summary>A WebSocket for a polling session: switch protocols and probe. The session's upgrade is claimed.</summary>
    UpgradeWebSocket,

    /// <summary>
    /// A WebSocket for a session that cannot take it (upgraded already, upgrading on another WebSocket, or closed):
    /// switch protocols, then close it at once. The session itself is left alone.
    /// </summary>
    CloseWebSocket,

    /// <summary>A long-poll GET of a polling session.</summary>
    PollingGet,

    /// <summary>A POST of packets to a polling session.</summary>
    PollingPost,

    /// <summary>Refused with <see cref="Admission.Error"/>.</summary>
    Refused,
}

/// <summary>
/// The one decision on every request to an engine, taken for both doors (Kestrel's HTTP layer and the connection
/// path), with the checks and order of Node's <c>Server.verify</c> and <c>handleRequest</c>
/// (socketio/socket.io packages/engine.io/lib/server.ts). The connection path executes only the WebSocket outcomes
/// and leaves the request unread for HTTP otherwise; the HTTP path executes them all.
/// </summary>
internal readonly record struct Admission(AdmissionKind Kind, EngineConnection? Session = null, EngineIOError? Error = null, int Protocol = 4)
{
    public bool IsWebSocket => Kind is AdmissionKind.OpenWebSocket or AdmissionKind.UpgradeWebSocket or AdmissionKind.CloseWebSocket;

    /// <summary>
    /// Decides what <paramref name="request"/> becomes. The only side effect is on <see cref="AdmissionKind.UpgradeWebSocket"/>:
    /// the session's one upgrade is claimed, so the caller must run the upgrade or call
    /// <see cref="EngineConnection.CancelUpgrade"/>.
    /// </summary>
    public static Admission Decide(EngineIOServer server, EngineRequest request)
    {
        var options = server.Options;
        if (!IsAllowedTransport(options, request.Transport))
        {
            return Refuse(EngineIOError.UnknownTransport);
        }

        // A plain HTTP request may not claim the websocket transport, nor an upgrade request the polling one.
        bool isWebSocket = request.IsWebSocketUpgrade;
        if (isWebSocket != (request.Transport == EngineConnection.WebSocketName))
        {
            return Refuse(EngineIOError.BadRequest);
        }

        // Node: any EIO but 4 is the third revision, served only with allowEIO3.
        int protocol = request.Protocol == "4" ? 4 : 3;
        if (protocol == 3 && !options.AllowEIO3)
        {
            return Refuse(EngineIOError.UnsupportedProtocolVersion);
        }

        // Node's allowRequest step: a browser page of an origin not on the list opens no session and upgrades none.
        if ((request.Sid is null || isWebSocket) && !IsAllowedOrigin(options, request.Headers.Origin))
        {
            return Refuse(EngineIOError.Forbidden);
        }

        // RFC 6455 §4.2.1: version 13 and a 16-byte nonce. Checked after the sid, as Node's ws does after verify().
        bool validHandshake = !isWebSocket
            || (request.Headers.SecWebSocketVersion == "13" && WebSocketHandshake.IsValidKey(request.WebSocketKey));
        if (request.Sid is null)
        {
            if (isWebSocket)
            {
                return validHandshake ? new Admission(AdmissionKind.OpenWebSocket, Protocol: protocol) : Refuse(EngineIOError.BadRequest);
            }

            return HttpMethods.IsGet(request.Method)
                ? new Admission(AdmissionKind.OpenPolling, Protocol: protocol)
                : Refuse(EngineIOError.BadHandshakeMethod);
        }

        if (!server.TryGet(request.Sid, out EngineConnection session))
        {
            return Refuse(EngineIOError.UnknownSid);
        }

        // A session speaks the revision it was opened with on every request.
        if (protocol != session.Protocol)
        {
            return Refuse(EngineIOError.BadRequest);
        }

        if (isWebSocket)
        {
            if (!validHandshake || !options.AllowUpgrades)
            {
                return Refuse(EngineIOError.BadRequest);
            }

            // Node verifies only that the sid is known, then its onWebSocket accepts the socket and closes it when
            // the session "had already been upgraded" or "has already been trying to upgrade": the client sees a
            // WebSocket open and close, not an HTTP error.
            return session.TryClaimUpgrade()
                ? new Admission(AdmissionKind.UpgradeWebSocket, session)
                : new Admission(AdmissionKind.CloseWebSocket);
        }

        // A session that moved to WebSocket refuses its old transport.
        if (session.Transport != EngineConnection.PollingName)
        {
            return Refuse(EngineIOError.BadRequest);
        }

        if (HttpMethods.IsGet(request.Method))
        {
            return new Admission(AdmissionKind.PollingGet, session);
        }

        return HttpMethods.IsPost(request.Method) ? new Admission(AdmissionKind.PollingPost, session) : Refuse(EngineIOError.BadRequest);
    }

    private static Admission Refuse(EngineIOError error) => new(AdmissionKind.Refused, Error: error);

    private static bool IsAllowedOrigin(EngineIOOptions options, string? origin) =>
        options.AllowedOrigins.Count == 0 || string.IsNullOrEmpty(origin)
        || options.AllowedOrigins.Any(allowed => string.Equals(allowed, origin, StringComparison.OrdinalIgnoreCase));

    private static bool IsAllowedTransport(EngineIOOptions options, string? transport) => transport switch
    {
        EngineConnection.PollingName => options.AllowPolling,
        EngineConnection.WebSocketName => options.AllowWebSocket,
        _ => false,
    };
}
