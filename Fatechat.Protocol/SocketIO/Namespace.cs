using System.Collections.Concurrent;
using System.Text.Json;
using Fatechat.Protocol.Logging;

namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// A Socket.IO namespace (<c>/</c>, <c>/custom</c>): its middleware, connection handlers, sockets and rooms.
/// </summary>
public sealed class Namespace
{
    private readonly ConcurrentDictionary<string, SocketIOSocket> _sockets = new(StringComparer.Ordinal);
    private readonly List<Func<SocketIOSocket, Task>> _middleware = new();
    private readonly List<Func<SocketIOSocket, Task>> _connectionHandlers = new();
    private readonly ConcurrentDictionary<string, Func<SocketIOSocket, SocketIOArgs, SocketIOAck?, Task>> _eventHandlers = new(StringComparer.Ordinal);

    internal Namespace(SocketIOServer server, string name)
    {
        Server = server;
        Name = name;
        Adapter = new InMemoryRoomAdapter(this);
    }

    public string Name { get; }
    public SocketIOServer Server { get; }
    public IRoomAdapter Adapter { get; set; }

    /// <summary>Connected sockets of this namespace on this node.</summary>
    public ICollection<SocketIOSocket> Sockets => _sockets.Values;

    public int SocketCount => _sockets.Count;

    /// <summary>
    /// Adds a middleware, run in order before a socket connects. It sees the handshake headers, query and
    /// auth payload; throwing <see cref="SocketIOConnectException"/> refuses the connection with its message.
    /// </summary>
    public Namespace Use(Func<SocketIOSocket, Task> middleware)
    {
        lock (_middleware)
        {
            _middleware.Add(middleware);
        }

        return this;
    }

    public Namespace OnConnection(Action<SocketIOSocket> handler) =>
        OnConnection(socket =>
        {
            handler(socket);
            return Task.CompletedTask;
        });

    public Namespace OnConnection(Func<SocketIOSocket, Task> handler)
    {
        lock (_connectionHandlers)
        {
            _connectionHandlers.Add(handler);
        }

        return this;
    }

    /// <summary>
    /// Registers the handler of an event for every socket of this namespace, called with the socket that sent it.
    /// One registration serves all sockets, where <see cref="SocketIOSocket.On(string, Func{SocketIOArgs, SocketIOAck?, Task})"/>
    /// costs a handler per connection; a socket's own handler for the same event takes precedence.
    /// </summary>
    public Namespace On(string eventName, Func<SocketIOSocket, SocketIOArgs, SocketIOAck?, Task> handler)
    {
        _eventHandlers[eventName] = handler;
        return this;
    }

    /// <summary>As <see cref="On(string, Func{SocketIOSocket, SocketIOArgs, SocketIOAck?, Task})"/>, the first argument bound to <typeparamref name="T"/>.</summary>
    public Namespace On<T>(string eventName, Func<SocketIOSocket, T?, SocketIOAck?, Task> handler) =>
        On(eventName, (socket, args, ack) => handler(socket, EventPayload.Bind<T>(args, eventName), ack));

    internal Func<SocketIOSocket, SocketIOArgs, SocketIOAck?, Task>? EventHandler(string eventName) =>
        _eventHandlers.TryGetValue(eventName, out var handler) ? handler : null;

    public bool TryGetSocket(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SocketIOSocket? socket) =>
        _sockets.TryGetValue(id, out socket);

    public BroadcastOperator To(string room) => All.To(room);

    public BroadcastOperator In(string room) => All.To(room);

    public BroadcastOperator Except(string room) => All.Except(room);

    /// <summary>Emits to every socket of the namespace.</summary>
    public int Emit(string eventName, params ReadOnlySpan<object?> args) => All.Emit(eventName, args);

    internal BroadcastOperator All => new(this, [], [], null);

    /// <summary>Runs the middleware, then connects the socket and calls the connection handlers.</summary>
    internal async Task ConnectAsync(SocketIOClient client, JsonElement? auth)
    {
        var socket = new SocketIOSocket(this, client, new SocketIOHandshake(client.Connection.Handshake, auth));
        Func<SocketIOSocket, Task>[] middleware;
        lock (_middleware)
        {
            middleware = _middleware.ToArray();
        }

        foreach (var step in middleware)
        {
            try
            {
                await step(socket);
            }
            catch (SocketIOConnectException refused)
            {
                client.Send(SocketIOPacketEncoder.EncodeConnectError(Name, refused.Message, refused.Details, Server.Json));
                return;
            }
            catch (Exception exception)
            {
                ProtocolLog.MiddlewareFailed(Server.Logger, exception, Name);
                client.Send(SocketIOPacketEncoder.EncodeConnectError(Name, "Internal server error", null, Server.Json));
                return;
            }
        }

        if (!client.Connection.IsOpen || !client.TryAdd(socket))
        {
            return;
        }

        _sockets[socket.Id] = socket;
        socket.MarkConnected();
        client.Send(SocketIOPacketEncoder.EncodeConnect(Name, socket.Id));

        Func<SocketIOSocket, Task>[] handlers;
        lock (_connectionHandlers)
        {
            handlers = _connectionHandlers.ToArray();
        }

        foreach (var handler in handlers)
        {
            await socket.RunHandlerAsync(() => handler(socket), ack: null);
        }
    }

    internal void Remove(SocketIOSocket socket) => _sockets.TryRemove(socket.Id, out _);
}
