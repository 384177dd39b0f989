using Fatechat.Protocol.Diagnostics;
using Fatechat.Protocol.EngineIO.Transports;
using Fatechat.Protocol.Logging;

namespace Fatechat.Protocol.EngineIO;

/// <summary>
/// One Engine.IO session (Node's engine.io <c>Socket</c>): its outbound queue, heartbeat state and transport.
/// Every transport drains the same bounded queue, so switching from polling to WebSocket loses nothing.
/// </summary>
public sealed class EngineConnection
{
    internal const string PollingName = "polling";
    internal const string WebSocketName = "websocket";

    private readonly EngineIOServer _server;
    private readonly OutboundQueue _outbound;
    private readonly CancellationTokenSource _aborted = new();
    private readonly object _heartbeatLock = new();
    private long _nextPingAt;
    private long _pongDeadline; // v3: when the session ends without another ping from the client
    private int _closed;
    private long _drainDeadline;
    private volatile bool _draining;
    private int _pollActive;
    private int _postActive;
    private TaskCompletionSource? _pollRelease;
    private volatile string _transport;
    private volatile bool _upgrading;
    private int _upgradeAttempt;
    private WebSocketSender? _sender;
    private LogScope? _logScope;

    internal EngineConnection(EngineIOServer server, string id, EngineHandshake handshake, string transport, int protocol = 4, bool supportsBinary = true)
    {
        _server = server;
        Id = id;
        Handshake = handshake;
        _transport = transport;
        Protocol = protocol;
        SupportsBinary = supportsBinary;
        _outbound = new OutboundQueue(server.Options.MaxQueuedFrames, server.Options.MaxBufferedBytes);
        if (protocol == 3)
        {
            // v3: the client pings; the session lasts pingInterval + pingTimeout past the last ping.
            _pongDeadline = server.Now + server.PingIntervalTicks + server.PingTimeoutTicks;
        }
        else
        {
            _nextPingAt = server.Now + server.PingIntervalTicks;
        }
    }

    /// <summary>The session id (<c>sid</c>).</summary>
    public string Id { get; }

    public EngineHandshake Handshake { get; }

    /// <summary>The Engine.IO revision the client speaks: 4, or 3 (socket.io-client 2.x) where allowed.</summary>
    public int Protocol { get; }

    /// <summary>False when a v3 client asked for binary as base64 on its handshake (<c>b64</c>).</summary>
    internal bool SupportsBinary { get; }

    /// <summary><c>polling</c> or <c>websocket</c>.</summary>
    public string Transport => _transport;

    public bool IsOpen => Volatile.Read(ref _closed) == 0;

    /// <summary>Why the connection closed, once it has.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>The layer above; set once, right after the handshake.</summary>
    public IEngineConnectionHandler? Handler { get; internal set; }

    /// <summary>Cancelled a short grace period after close: transports stop waiting on the client then.</summary>
    internal CancellationToken Aborted => _aborted.Token;

    internal OutboundQueue Outbound => _outbound;

    /// <summary>
    /// Puts this session's <c>sid</c> on every line logged in the caller's flow, the app's handlers included; the
    /// transports enter it where they serve the session.
    /// </summary>
    internal IDisposable? BeginLogScope() => _server.Logger.BeginScope(_logScope ??= new LogScope("sid", Id));

    internal bool IsUpgrading => _upgrading;

    /// <summary>
    /// Queues a frame without waiting. A full queue (in frames or in bytes) means the client cannot keep up, or asks
    /// for more than it reads: it is disconnected rather than allowed to hold back the sender (a broadcast never
    /// waits for one slow client) or to make the server hold its replies.
    /// </summary>
    public bool Send(in OutboundFrame frame)
    {
        if (_outbound.TryWrite(frame))
        {
            ProtocolMetrics.PacketSent(_transport);
            _sender?.Pump();
            return true;
        }

        if (IsOpen)
        {
            Close(CloseReasons.OutboundQueueFull);
        }

        return false;
    }

    /// <summary>Closes the session from the server side; queued frames are still flushed.</summary>
    public void Close() => Close(CloseReasons.ForcedClose);

    /// <summary>
    /// A closed polling session that still answers one GET:
    /// 1. closed by the server on purpose: until a GET has carried its queued packets and then the close packet
    ///    (Node's polling <c>shouldClose</c>), or until the close timeout;
    /// 2. closed by the client's close packet: for the close grace period, so that a GET sent alongside the POST
    ///    gets the noop it would have got had it arrived first. Node handles requests one at a time in arrival
    ///    order; Kestrel handles the two connections in parallel and may run the POST first.
    /// </summary>
    internal bool IsDraining => _draining;

    internal void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        CloseReason = reason;
        ProtocolMetrics.ConnectionClosed(this, reason);
        ProtocolLog.ConnectionClosed(_server.Logger, Id, _transport, reason);
        if (reason == CloseReasons.OutboundQueueFull)
        {
            ProtocolLog.OutboundQueueFull(_server.Logger, Id, _transport, _outbound.Count, _outbound.Bytes);
        }

        bool byClient = reason == CloseReasons.TransportClose;
        _draining = _transport == PollingName && (IsGraceful(reason) || byClient);
        if (_draining)
        {
            long linger = byClient ? _server.CloseGracePeriodTicks : _server.CloseTimeoutTicks;
            Volatile.Write(ref _drainDeadline, _server.Now + linger);
        }
        else
        {
            _server.Remove(this);
        }

        if (IsGraceful(reason))
        {
            _outbound.Complete();
        }
        else
        {
            // As Node's onClose clears its write buffer: nothing queued will be sent now, so it is let go at once.
            _outbound.Discard();
        }

        _sender?.Pump();
        _pollRelease?.TrySetResult();
        _aborted.CancelAfter(_server.CloseGracePeriod);

        try
        {
            Handler?.OnClose(this, reason);
        }
        catch (Exception exception)
        {
            ProtocolLog.CloseHandlerFailed(_server.Logger, exception, Id);
        }
    }

    /// <summary>A GET has delivered the close packet of a draining session: it is gone now.</summary>
    internal void FinishDraining()
    {
        _draining = false;
        _server.Remove(this);
    }

    /// <summary>Closes the server asked for keep their queued packets; errors and timeouts drop them, as in Node.</summary>
    private static bool IsGraceful(string reason) => reason is CloseReasons.ForcedClose or CloseReasons.ServerShuttingDown;

    /// <summary>Handles one inbound packet from whichever transport is active.</summary>
    internal void OnPacket(in EnginePacket packet)
    {
        if (!IsOpen)
        {
            return;
        }

        ProtocolMetrics.PacketReceived(_transport);
        switch (packet.Type)
        {
            case EnginePacketType.Message:
                try
                {
                    Handler?.OnMessage(this, packet.Data, packet.IsBinary);
                }
                catch (Exception exception)
                {
                    ProtocolLog.MessageHandlerFailed(_server.Logger, exception, Id);
                    Close(CloseReasons.ParseError);
                }

                break;
            case EnginePacketType.Pong when Protocol == 4:
                OnPong();
                break;
            case EnginePacketType.Ping when Protocol == 3:
                OnPing();
                break;
            case EnginePacketType.Close:
                Close(CloseReasons.TransportClose);
                break;
            case EnginePacketType.Ping or EnginePacketType.Pong:
                // A heartbeat the wrong way for this revision: Node closes on "invalid heartbeat direction".
                Close(CloseReasons.TransportError);
                break;
            default:
                // open, upgrade and noop mean nothing once the session runs.
                break;
        }
    }

    /// <summary>Called by the heartbeat scanner: sends a due ping, or closes when the pong is overdue.</summary>
    internal void Tick(long now)
    {
        if (!IsOpen)
        {
            if (IsDraining && now >= Volatile.Read(ref _drainDeadline))
            {
                FinishDraining();
            }

            return;
        }

        bool sendPing = false;
        bool expired = false;
        lock (_heartbeatLock)
        {
            if (Protocol == 3)
            {
                expired = now >= _pongDeadline;
            }
            else if (_pongDeadline != 0)
            {
                expired = now >= _pongDeadline;
            }
            else if (now >= _nextPingAt)
            {
                // The deadline follows the schedule, not the scanner: a ping sent a tick late does not
                // extend the session (Node arms pingTimeout right at pingInterval).
                _pongDeadline = _nextPingAt + _server.PingTimeoutTicks;
                expired = now >= _pongDeadline;
                sendPing = !expired;
            }
        }

        if (expired)
        {
            Close(CloseReasons.PingTimeout);
        }
        else if (sendPing)
        {
            Send(OutboundFrame.Ping);
        }
    }

    /// <summary>
    /// True when the pong is overdue, counting from when the ping was due. Requests check this themselves so
    /// that a session expires exactly on time, whatever the scanner's period.
    /// </summary>
    internal bool HasTimedOut(long now)
    {
        lock (_heartbeatLock)
        {
            long deadline = _pongDeadline != 0 ? _pongDeadline : _nextPingAt + _server.PingTimeoutTicks;
            return now >= deadline;
        }
    }

    /// <summary>v3: the client's ping is answered at once and keeps the session alive for another interval.</summary>
    private void OnPing()
    {
        lock (_heartbeatLock)
        {
            _pongDeadline = _server.Now + _server.PingIntervalTicks + _server.PingTimeoutTicks;
        }

        Send(OutboundFrame.Pong);
    }

    private void OnPong()
    {
        lock (_heartbeatLock)
        {
            _pongDeadline = 0;
            _nextPingAt = _server.Now + _server.PingIntervalTicks;
        }
    }

    /// <summary>From now on frames go out on the WebSocket as they are queued; whatever is queued already goes now.</summary>
    internal void AttachSender(WebSocketSender sender)
    {
        Volatile.Write(ref _sender, sender);
        sender.Pump();
    }

    /// <summary>Marks a GET as pending; false when another GET already is (Node: "overlap from client").</summary>
    internal bool TryBeginPoll(out Task released)
    {
        if (Interlocked.Exchange(ref _pollActive, 1) != 0)
        {
            released = Task.CompletedTask;
            return false;
        }

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _pollRelease, release);
        if (!IsOpen || _upgrading)
        {
            release.TrySetResult();
        }

        released = release.Task;
        return true;
    }

    internal void EndPoll()
    {
        Volatile.Write(ref _pollRelease, null);
        Volatile.Write(ref _pollActive, 0);
    }

    internal bool TryBeginPost() => Interlocked.Exchange(ref _postActive, 1) == 0;

    internal void EndPost() => Volatile.Write(ref _postActive, 0);

    /// <summary>Claims the one upgrade a session may attempt at a time.</summary>
    internal bool TryClaimUpgrade() =>
        IsOpen && _transport == PollingName && Interlocked.CompareExchange(ref _upgradeAttempt, 1, 0) == 0;

    /// <summary>The probe succeeded: a pending GET is answered with a noop so the client can finish the upgrade.</summary>
    internal void BeginUpgrade()
    {
        _upgrading = true;
        Volatile.Read(ref _pollRelease)?.TrySetResult();
    }

    internal void CompleteUpgrade()
    {
        _transport = WebSocketName;
        _upgrading = false;
        ProtocolMetrics.Upgraded();
        Volatile.Read(ref _pollRelease)?.TrySetResult();
    }

    internal void CancelUpgrade()
    {
        _upgrading = false;
        Volatile.Write(ref _upgradeAttempt, 0);
    }
}
