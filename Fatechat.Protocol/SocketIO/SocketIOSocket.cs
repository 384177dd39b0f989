using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Fatechat.Protocol.Diagnostics;
using Fatechat.Protocol.EngineIO;
using Fatechat.Protocol.Logging;

namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// A client's membership of one namespace (Node's <c>Socket</c>): event handlers, emits, acks and rooms.
/// </summary>
public sealed class SocketIOSocket
{
    private static readonly object[] ErrorAckPayload = [new { ok = false, error = "internal server error" }];
    private static readonly object[] InvalidPayloadAck = [new { ok = false, error = "invalid payload" }];

    // Created by the first On(): an app that registers its handlers on the namespace keeps none per socket.
    private Dictionary<string, Func<SocketIOArgs, SocketIOAck?, Task>>? _handlers;
    private readonly Lock _handlersLock = new();
    private readonly SocketIOClient _client;
    private readonly HashSet<string> _rooms = new(StringComparer.Ordinal);
    private List<Func<string, Task>>? _disconnecting;
    private List<Func<string, Task>>? _disconnected;
    private AckRegistry? _acks;
    private ConcurrentDictionary<string, object?>? _data;
    private int _state = (int)SocketState.Connecting;
    private EventQueue? _events;
    private CancellationTokenSource? _disconnectedSource;
    private LogScope? _logScope;

    internal SocketIOSocket(Namespace ns, SocketIOClient client, SocketIOHandshake handshake)
    {
        Namespace = ns;
        _client = client;
        Handshake = handshake;
        // Protocol v4 (Engine.IO v3 clients) derives the id from the session's, as socket.io-client 2.x does too.
        Id = client.Connection.Protocol == 3
            ? ns.Name == SocketIOPacket.MainNamespace ? client.Connection.Id : ns.Name + "#" + client.Connection.Id
            : NewId();
    }

    /// <summary>This socket's id, distinct from the Engine.IO session id (the protocol v5 rule; v4 clients derive it from the session id).</summary>
    public string Id { get; private set; }

    /// <summary>
    /// The private session id that lets the client recover this session after a disconnect (connection state
    /// recovery, Socket.IO 4.6+); null when recovery is off or the client speaks protocol v4.
    /// </summary>
    public string? Pid { get; private set; }

    /// <summary>True when this socket took over a session that the client recovered: its id came back and the application restored the rest.</summary>
    public bool Recovered { get; private set; }

    public Namespace Namespace { get; }
    public SocketIOHandshake Handshake { get; }
    public bool Connected => State == SocketState.Connected;

    private SocketState State => (SocketState)Volatile.Read(ref _state);

    /// <summary>
    /// Cancelled when this socket disconnects: handlers pass it to what they await, so that a gone client's work
    /// stops (SignalR's <c>ConnectionAborted</c>). Namespace handlers receive it as their last argument.
    /// </summary>
    public CancellationToken Disconnected
    {
        get
        {
            var source = LazyInitializer.EnsureInitialized(ref _disconnectedSource);
            // Created after the disconnect (the last one to look): it still reports it.
            if (State == SocketState.Disconnected)
            {
                source.Cancel();
            }

            return source.Token;
        }
    }

    /// <summary>The Engine.IO connection under this socket (shared by all its namespaces).</summary>
    public EngineConnection Connection => _client.Connection;

    /// <summary>Free-form per-socket data for the application (Node's <c>socket.data</c>).</summary>
    /// <remarks>Sized for a handful of entries: it lives as long as the connection.</remarks>
    public IDictionary<string, object?> Data => _data ??= new ConcurrentDictionary<string, object?>(concurrencyLevel: 1, capacity: 3, StringComparer.Ordinal);

    /// <summary>The rooms this socket is in, its own id room included.</summary>
    public IReadOnlyCollection<string> Rooms
    {
        get
        {
            lock (_rooms)
            {
                return [Id, .. _rooms];
            }
        }
    }

    /// <summary>Registers the handler of an event; the ack is null unless the client asked for one.</summary>
    public SocketIOSocket On(string eventName, Func<SocketIOArgs, SocketIOAck?, Task> handler)
    {
        lock (_handlersLock)
        {
            (_handlers ??= new(StringComparer.Ordinal))[eventName] = handler;
        }

        return this;
    }

    public SocketIOSocket On(string eventName, Action<SocketIOArgs, SocketIOAck?> handler) =>
        On(eventName, (args, ack) =>
        {
            handler(args, ack);
            return Task.CompletedTask;
        });

    /// <summary>Registers a handler whose first argument is bound to <typeparamref name="T"/> with System.Text.Json.</summary>
    public SocketIOSocket On<T>(string eventName, Func<T?, SocketIOAck?, Task> handler) =>
        On(eventName, (args, ack) => handler(EventPayload.Bind<T>(args, eventName), ack));

    public SocketIOSocket On<T>(string eventName, Action<T?, SocketIOAck?> handler) =>
        On<T>(eventName, (value, ack) =>
        {
            handler(value, ack);
            return Task.CompletedTask;
        });

    /// <summary>Called before the socket leaves its rooms; <see cref="Rooms"/> still lists them.</summary>
    public SocketIOSocket OnDisconnecting(Func<string, Task> handler)
    {
        lock (_handlersLock)
        {
            (_disconnecting ??= new()).Add(handler);
        }

        return this;
    }

    /// <summary>Called once the socket has disconnected, with the reason (<see cref="CloseReasons"/>).</summary>
    public SocketIOSocket OnDisconnect(Func<string, Task> handler)
    {
        lock (_handlersLock)
        {
            (_disconnected ??= new()).Add(handler);
        }

        return this;
    }

    public SocketIOSocket OnDisconnect(Action<string> handler) =>
        OnDisconnect(reason =>
        {
            handler(reason);
            return Task.CompletedTask;
        });

    /// <summary>Emits an event to this client.</summary>
    public bool Emit(string eventName, params ReadOnlySpan<object?> args) =>
        Send(SocketIOPacketEncoder.EncodeEvent(Namespace.Name, eventName, args, -1, Namespace.Server.Json));

    /// <summary>
    /// Emits an event with <paramref name="offset"/> appended as its last argument: the position a recovering client
    /// sends back (socket.io-client keeps the last string argument of each event as its offset).
    /// </summary>
    public bool EmitWithOffset(string offset, string eventName, params ReadOnlySpan<object?> args) =>
        Emit(eventName, [.. args, offset]);

    /// <summary>Emits an event and waits for the client's acknowledgement.</summary>
    /// <exception cref="TimeoutException">No acknowledgement within <paramref name="timeout"/>.</exception>
    /// <exception cref="SocketIODisconnectedException">The socket disconnected first.</exception>
    public async Task<SocketIOArgs> EmitWithAckAsync(string eventName, TimeSpan timeout, params object?[] args)
    {
        var acks = LazyInitializer.EnsureInitialized(ref _acks);
        var (id, response) = acks.Register();
        Send(SocketIOPacketEncoder.EncodeEvent(Namespace.Name, eventName, args, id, Namespace.Server.Json));
        try
        {
            return await response.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            acks.Forget(id);
            throw;
        }
    }

    /// <summary>Emits an event and binds the first argument of the acknowledgement to <typeparamref name="T"/>.</summary>
    public async Task<T?> EmitWithAckAsync<T>(string eventName, TimeSpan timeout, params object?[] args) =>
        (await EmitWithAckAsync(eventName, timeout, args)).Get<T>(0);

    public void Join(string room)
    {
        lock (_rooms)
        {
            if (State == SocketState.Disconnected || !_rooms.Add(room))
            {
                return;
            }
        }

        Namespace.Adapter.Join(this, room);
    }

    public void Leave(string room)
    {
        lock (_rooms)
        {
            if (!_rooms.Remove(room))
            {
                return;
            }
        }

        Namespace.Adapter.Leave(this, room);
    }

    /// <summary>Targets a room, leaving this socket out (Node's <c>socket.to(room)</c>).</summary>
    public BroadcastOperator To(string room) => new BroadcastOperator(Namespace, [], [], this).To(room);

    /// <summary>Targets every other socket of the namespace (Node's <c>socket.broadcast</c>).</summary>
    public BroadcastOperator Broadcast => new(Namespace, [], [], this);

    /// <summary>Disconnects this namespace; with <paramref name="close"/>, the whole underlying connection.</summary>
    public void Disconnect(bool close = false)
    {
        if (!Connected)
        {
            return;
        }

        Send(SocketIOPacketEncoder.EncodeDisconnect(Namespace.Name));
        OnClose(CloseReasons.ServerNamespaceDisconnect);
        if (close)
        {
            _client.Connection.Close();
        }
    }

    internal bool Send(in OutboundFrame frame) => _client.Connection.Send(frame);

    internal void SendAck(long id, ReadOnlySpan<object?> args) =>
        Send(SocketIOPacketEncoder.EncodeAck(Namespace.Name, id, args, Namespace.Server.Json));

    internal void MarkConnected() => Volatile.Write(ref _state, (int)SocketState.Connected);

    /// <summary>Before connecting: this socket continues the session <paramref name="pid"/> under its old id, or starts one.</summary>
    internal void BeginSession(string pid, string? recoveredId)
    {
        Pid = pid;
        if (recoveredId is not null)
        {
            Id = recoveredId;
            Recovered = true;
        }
    }

    internal static string NewPrivateId() => NewId();

    internal void OnPacket(SocketIOPacket packet)
    {
        switch (packet.Type)
        {
            case SocketIOPacketType.Event:
            case SocketIOPacketType.BinaryEvent:
                OnEvent(packet);
                break;
            case SocketIOPacketType.Ack:
            case SocketIOPacketType.BinaryAck:
                _acks?.Complete(packet.AckId, packet.Arguments(0, Namespace.Server.Json));
                break;
            case SocketIOPacketType.Disconnect:
                OnClose(CloseReasons.ClientNamespaceDisconnect);
                break;
        }
    }

    private void OnEvent(SocketIOPacket packet)
    {
        string eventName = packet.EventName!;
        Func<SocketIOArgs, SocketIOAck?, Task>? handler = null;
        lock (_handlersLock)
        {
            _handlers?.TryGetValue(eventName, out handler);
        }

        // The socket's own handler wins; otherwise the namespace's, shared by all its sockets.
        Func<SocketIOSocket, SocketIOArgs, SocketIOAck?, CancellationToken, Task>? shared = handler is null ? Namespace.EventHandler(eventName) : null;
        if (handler is null && shared is null)
        {
            return;
        }

        ProtocolMetrics.EventReceived();
        SocketIOAck? ack = packet.AckId >= 0 ? new SocketIOAck(this, packet.AckId) : null;
        if (Namespace.AdmitEvent is { } admit && !admit(this, eventName, ack))
        {
            return;
        }

        var args = packet.Arguments(1, Namespace.Server.Json);
        Func<Task> work = handler is not null
            ? () => RunHandlerAsync(() => handler(args, ack), ack)
            : () => RunHandlerAsync(() => shared!(this, args, ack, Disconnected), ack);
        if (Namespace.HandleEventsConcurrently)
        {
            _ = work();
        }
        else if (!EnsureEvents().Enqueue(work))
        {
            ProtocolLog.EventQueueFull(Namespace.Server.Logger, Id, Namespace.Server.Options.MaxQueuedEvents);
            _client.Connection.Close();
        }
    }

    /// <summary>
    /// Runs an application handler. A failure is logged and, if the client waits for an ack, answered with a
    /// generic error; the connection stays up.
    /// </summary>
    internal async Task RunHandlerAsync(Func<Task> handler, SocketIOAck? ack)
    {
        // The socket's ids on every line its handlers log; built once per socket (the id is final once connected).
        using var logScope = Namespace.Server.Logger.BeginScope(_logScope ??= new LogScope("socketId", Id, "sid", Connection.Id));
        try
        {
            await handler();
        }
        catch (OperationCanceledException) when (State == SocketState.Disconnected)
        {
            // The socket left while its handler waited: nobody is there to answer.
        }
        catch (InvalidEventPayloadException invalid)
        {
            ProtocolLog.InvalidEventPayload(Namespace.Server.Logger, invalid.EventName, Id);
            if (ack is { IsSent: false })
            {
                ack.Send(InvalidPayloadAck);
            }
        }
        catch (Exception exception)
        {
            ProtocolLog.HandlerFailed(Namespace.Server.Logger, exception, Id, Namespace.Name);
            if (ack is { IsSent: false })
            {
                ack.Send(ErrorAckPayload);
            }
        }
    }

    /// <summary>A socket that never connected (its connection closed meanwhile) gives back rooms a recovery joined.</summary>
    internal void Abandon()
    {
        Volatile.Write(ref _state, (int)SocketState.Disconnected);
        string[] rooms;
        lock (_rooms)
        {
            rooms = [.. _rooms];
            _rooms.Clear();
        }

        foreach (var room in rooms)
        {
            Namespace.Adapter.Leave(this, room);
        }
    }

    /// <summary>Leaves every room and runs the disconnect handlers, once.</summary>
    internal void OnClose(string reason)
    {
        if (Interlocked.Exchange(ref _state, (int)SocketState.Disconnected) != (int)SocketState.Connected)
        {
            return;
        }

        _ = RunDisconnectHandlersAsync(_disconnecting, reason);
        string[] rooms;
        lock (_rooms)
        {
            rooms = _rooms.ToArray();
            _rooms.Clear();
        }

        foreach (string room in rooms)
        {
            Namespace.Adapter.Leave(this, room);
        }

        Namespace.Remove(this);
        _client.Remove(this);
        _acks?.FailAll(reason);
        // The disconnect handlers run after the handler running now, if any; events not yet started are dropped.
        // The queue is created here if no event came yet, so that one arriving now finds it closed. Closed before
        // the token is cancelled: a handler that ends at once on cancellation must not start the next event.
        if (Namespace.HandleEventsConcurrently)
        {
            _ = RunDisconnectHandlersAsync(_disconnected, reason);
        }
        else
        {
            EnsureEvents().Close(() => RunDisconnectHandlersAsync(_disconnected, reason));
        }

        Volatile.Read(ref _disconnectedSource)?.Cancel();
    }

    /// <summary>Runs <paramref name="work"/> ahead of any event (the connect packet and the connection handlers).</summary>
    internal void RunFirst(Func<Task> work)
    {
        if (Namespace.HandleEventsConcurrently)
        {
            _ = work();
        }
        else
        {
            EnsureEvents().Enqueue(work);
        }
    }

    private EventQueue EnsureEvents() =>
        LazyInitializer.EnsureInitialized(ref _events, () => new EventQueue(Namespace.Server.Options.MaxQueuedEvents));

    /// <summary>Runs the handlers one after another; each failure is logged and the next still runs.</summary>
    private async Task RunDisconnectHandlersAsync(List<Func<string, Task>>? handlers, string reason)
    {
        if (handlers is null)
        {
            return;
        }

        Func<string, Task>[] snapshot;
        lock (_handlersLock)
        {
            snapshot = handlers.ToArray();
        }

        foreach (var handler in snapshot)
        {
            await RunHandlerAsync(() => handler(reason), ack: null);
        }
    }

    private static string NewId()
    {
        Span<byte> bytes = stackalloc byte[15];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }
}
