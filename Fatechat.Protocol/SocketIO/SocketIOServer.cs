using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Fatechat.Protocol.EngineIO;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// A Socket.IO v5 server on an Engine.IO v4 endpoint. The main namespace <c>/</c> always exists; others exist
/// once <see cref="Of"/> has named them.
/// </summary>
public sealed class SocketIOServer : IDisposable
{
    private readonly ConcurrentDictionary<string, Namespace> _namespaces = new(StringComparer.Ordinal);

    public SocketIOServer(SocketIOOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        Options = options;
        Logger = logger ?? NullLogger.Instance;
        var timeProvider = time ?? TimeProvider.System;
        Json = new JsonSerializerOptions(options.Json);
        Json.Converters.Add(new BinaryAttachments.PlaceholderConverter());
        Json.MakeReadOnly(populateMissingResolver: true);
        Engine = new EngineIOServer(options.Engine, connection => SocketIOClient.Start(this, connection, timeProvider), timeProvider, Logger);
        Of(SocketIOPacket.MainNamespace);
    }

    public SocketIOOptions Options { get; }
    public EngineIOServer Engine { get; }
    internal ILogger Logger { get; }
    internal JsonSerializerOptions Json { get; }

    /// <summary>The main namespace <c>/</c>.</summary>
    public Namespace Sockets => Of(SocketIOPacket.MainNamespace);

    /// <summary>Gets or creates a namespace; names start with <c>/</c>.</summary>
    public Namespace Of(string name)
    {
        if (!name.StartsWith('/'))
        {
            name = "/" + name;
        }

        return _namespaces.GetOrAdd(name, static (n, server) => new Namespace(server, n), this);
    }

    public bool TryGetNamespace(string name, [NotNullWhen(true)] out Namespace? ns) => _namespaces.TryGetValue(name, out ns);

    public Namespace Use(Func<SocketIOSocket, Task> middleware) => Sockets.Use(middleware);

    public Namespace OnConnection(Action<SocketIOSocket> handler) => Sockets.OnConnection(handler);

    public Namespace OnConnection(Func<SocketIOSocket, Task> handler) => Sockets.OnConnection(handler);

    /// <summary>Registers an event handler shared by every socket of the main namespace.</summary>
    public Namespace On<T>(string eventName, Func<SocketIOSocket, T?, SocketIOAck?, CancellationToken, Task> handler) => Sockets.On(eventName, handler);

    public BroadcastOperator To(string room) => Sockets.To(room);

    public int Emit(string eventName, params ReadOnlySpan<object?> args) => Sockets.Emit(eventName, args);

    public void Dispose() => Engine.Dispose();
}
