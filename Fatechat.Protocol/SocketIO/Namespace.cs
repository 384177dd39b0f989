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
    private readonly ConcurrentDictionary<string, Func<SocketIOSocket, SocketIOArgs, SocketIOAck?, CancellationToken, Task>> _eventHandlers = new(StringComparer.Ordinal);

    internal Namespace(SocketIOServer server, string name)
    {
        Server = server;
        Name = name;
        Adapter = new InMemoryRoomAdapter(this);
    }

    public string Name { get; }
    public SocketIOServer Server { get; }
    /// <summary>Room membership on this node; cross-node delivery is the application's (Fatechat's chat bus).</summary>
    internal InMemoryRoomAdapter Adapter { get; }

    /// <summary>Connected sockets of this namespace on this node.</summary>
    public ICollection<SocketIOSocket> Sockets => _sockets.Values;

    /// <summary>
    /// False by default: each socket's events reach their handlers one at a time, in arrival order, each handler
    /// starting once the one before it has finished (as SignalR runs one invocation per client at a time). True
    /// starts every handler as its packet arrives, as Node does; the handlers then order their own work.
    /// </summary>
    public bool HandleEventsConcurrently { get; set; }

    /// <summary>
    /// Asked for each event that has a handler, as its packet arrives: before it waits behind the socket's earlier
    /// handlers and before its arguments are bound (Node's <c>socket.use</c>, but synchronous). False drops the
    /// event; the application answers the client itself (through the ack, or an event). Runs on the thread that
    /// read the packet, so it must be quick and must not block. A rate limit belongs here: an event refused
    /// this way neither takes a place in the socket's queue nor waits for the handlers in front of it.
    /// </summary>
    public Func<SocketIOSocket, string, SocketIOAck?, bool>? AdmitEvent { get; set; }

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
    /// Registers the handler of an event for every socket of this namespace, called with the socket that sent it
    /// and its <see cref="SocketIOSocket.Disconnected"/> token. One registration serves all sockets, where
    /// <see cref="SocketIOSocket.On(string, Func{SocketIOArgs, SocketIOAck?, Task})"/> costs a handler per
    /// connection; a socket's own handler for the same event takes precedence.
    /// </summary>
    public Namespace On(string eventName, Func<SocketIOSocket, SocketIOArgs, SocketIOAck?, CancellationToken, Task> handler)
    {
        _eventHandlers[eventName] = handler;
        return this;
    }

    /// <summary>As <see cref="On(string, Func{SocketIOSocket, SocketIOArgs, SocketIOAck?, CancellationToken, Task})"/>, the first argument bound to <typeparamref name="T"/>.</summary>
    public Namespace On<T>(string eventName, Func<SocketIOSocket, T?, SocketIOAck?, CancellationToken, Task> handler) =>
        On(eventName, (socket, args, ack, cancellation) => handler(socket, EventPayload.Bind<T>(args, eventName), ack, cancellation));

    internal Func<SocketIOSocket, SocketIOArgs, SocketIOAck?, CancellationToken, Task>? EventHandler(string eventName) =>
        _eventHandlers.TryGetValue(eventName, out var handler) ? handler : null;

    public bool TryGetSocket(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SocketIOSocket? socket) =>
        _sockets.TryGetValue(id, out socket);

    public BroadcastOperator To(string room) => All.To(room);

    public BroadcastOperator Except(string room) => All.Except(room);

    /// <summary>Emits to every socket of the namespace.</summary>
    public int Emit(string eventName, params ReadOnlySpan<object?> args) => All.Emit(eventName, args);

    internal BroadcastOperator All => new(this, [], [], null);

    /// <summary>Runs the middleware, then connects the socket and calls the connection handlers.</summary>
    /// <summary>
    /// Asked when a client reconnects with a recovery request (only with
    /// <see cref="SocketIOOptions.ConnectionStateRecovery"/> on), after the middleware: returns the session's old
    /// socket id if the application can restore the session in full — it then restores rooms and missed events in
    /// its connection handler, where <see cref="SocketIOSocket.Recovered"/> is true — or null for a fresh session.
    /// </summary>
    public Func<SocketIOSocket, SessionRecoveryRequest, ValueTask<string?>>? RecoverSession { get; set; }

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
                client.SendConnectError(Name, refused.Message, refused.Details);
                return;
            }
            catch (Exception exception)
            {
                ProtocolLog.MiddlewareFailed(Server.Logger, exception, Name);
                client.SendConnectError(Name, "Internal server error", null);
                return;
            }
        }

        if (Server.Options.ConnectionStateRecovery is not null && client.Connection.Protocol == 4)
        {
            await BeginSessionAsync(socket, SessionRecoveryRequest.From(auth));
        }

        if (!client.Connection.IsOpen || !client.TryAdd(socket))
        {
            socket.Abandon();
            return;
        }

        if (socket.Recovered && _sockets.TryGetValue(socket.Id, out SocketIOSocket? stale))
        {
            // The client came back before this node noticed it had gone: the old socket is dead, let it go.
            stale.Connection.Close();
        }

        _sockets[socket.Id] = socket;
        socket.MarkConnected();
        Func<SocketIOSocket, Task>[] handlers;
        lock (_connectionHandlers)
        {
            handlers = _connectionHandlers.ToArray();
        }

        // First in the socket's event order: no event of this socket reaches a handler before these have run.
        socket.RunFirst(async () =>
        {
            client.SendConnect(Name, socket.Id, socket.Pid);
            foreach (var handler in handlers)
            {
                await socket.RunHandlerAsync(() => handler(socket), ack: null);
            }
        });
    }

    /// <summary>Removes this socket, not a recovered successor that took its id.</summary>
    internal void Remove(SocketIOSocket socket) => _sockets.TryRemove(new KeyValuePair<string, SocketIOSocket>(socket.Id, socket));

    private async Task BeginSessionAsync(SocketIOSocket socket, SessionRecoveryRequest? request)
    {
        string? recoveredId = null;
        if (request is not null && RecoverSession is { } recover)
        {
            try
            {
                recoveredId = await recover(socket, request);
            }
            catch (Exception exception)
            {
                // Never partial: a failed recovery is a fresh session, and the client reloads what it needs.
                ProtocolLog.RecoveryFailed(Server.Logger, exception, Name);
            }
        }

        socket.BeginSession(recoveredId is null ? SocketIOSocket.NewPrivateId() : request!.Pid, recoveredId);
    }
}
