using System.Text.Json;
using Fatechat.Protocol.EngineIO;
using Microsoft.AspNetCore.Http;

namespace Fatechat.Protocol.SocketIO;

/// <summary>What a namespace socket knows of its handshake: the first HTTP request and the CONNECT auth payload.</summary>
public sealed class SocketIOHandshake
{
    private readonly EngineHandshake _engine;

    private static readonly JsonElement EmptyAuth = JsonDocument.Parse("{}").RootElement.Clone();

    internal SocketIOHandshake(EngineHandshake engine, JsonElement? auth)
    {
        _engine = engine;
        Auth = auth ?? EmptyAuth;
    }

    /// <summary>Headers of the session's first request (polling handshake or WebSocket upgrade); case-insensitive.</summary>
    public IHeaderDictionary Headers => _engine.Headers;
    public IQueryCollection Query => _engine.Query;
    /// <summary>The CONNECT packet's payload (socket.io-client's <c>auth</c> option); <c>{}</c> when absent, as in Node.</summary>
    public JsonElement Auth { get; }
    public string Address => _engine.Address;
    public string Url => _engine.Url;
    public bool Secure => _engine.Secure;
    public DateTimeOffset Time => _engine.Time;
}
