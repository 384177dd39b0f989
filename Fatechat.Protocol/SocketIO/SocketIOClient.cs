using Fatechat.Protocol.EngineIO;
using Fatechat.Protocol.Logging;

namespace Fatechat.Protocol.SocketIO;

/// <summary>
/// The Socket.IO side of one Engine.IO connection (Node's <c>Client</c>): decodes packets, reassembles binary
/// ones, and multiplexes namespaces. Any invalid packet closes this connection only, with "parse error".
/// A binary packet being reassembled is bounded in count (<see cref="SocketIOOptions.MaxAttachments"/>), bytes
/// (maxPayload for the whole packet) and time (<see cref="SocketIOOptions.AttachmentTimeoutMs"/>), and is held only
/// for a namespace the client has joined.
/// </summary>
internal sealed class SocketIOClient : IEngineConnectionHandler
{
    private readonly SocketIOServer _server;
    private readonly TimeProvider _time;
    private readonly List<SocketIOSocket> _sockets = new(1);
    private SocketIOPacket? _reassembling;
    private long _reassemblingBytes;
    private ITimer? _attachmentTimeout;
    private ITimer? _connectTimeout;

    private SocketIOClient(SocketIOServer server, EngineConnection connection, TimeProvider time)
    {
        _server = server;
        _time = time;
        Connection = connection;
        _connectTimeout = time.CreateTimer(
            static state => ((SocketIOClient)state!).OnConnectTimeout(),
            this,
            TimeSpan.FromMilliseconds(server.Options.ConnectTimeoutMs),
            Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// The client of a new connection. Engine.IO v3 clients (socket.io-client 2.x, Socket.IO protocol v4) are in
    /// the main namespace from the start, as Node's <c>onconnection</c> does for them: they never send its CONNECT.
    /// </summary>
    public static SocketIOClient Start(SocketIOServer server, EngineConnection connection, TimeProvider time)
    {
        var client = new SocketIOClient(server, connection, time);
        if (connection.Protocol == 3)
        {
            _ = server.Sockets.ConnectAsync(client, auth: null);
        }

        return client;
    }

    public EngineConnection Connection { get; }

    private bool IsProtocolV4 => Connection.Protocol == 3;

    internal void SendConnect(string nsp, string sid, string? pid) =>
        Send(IsProtocolV4 ? SocketIOPacketEncoder.EncodeConnectV4(nsp) : SocketIOPacketEncoder.EncodeConnect(nsp, sid, pid));

    internal void SendConnectError(string nsp, string message, object? data) =>
        Send(IsProtocolV4
            ? SocketIOPacketEncoder.EncodeConnectErrorV4(nsp, message, data, _server.Json)
            : SocketIOPacketEncoder.EncodeConnectError(nsp, message, data, _server.Json));

    public void OnMessage(EngineConnection connection, ReadOnlyMemory<byte> data, bool isBinary)
    {
        if (isBinary)
        {
            OnAttachment(data);
            return;
        }

        if (_reassembling is not null)
        {
            Fail("text packet while binary attachments were expected");
            return;
        }

        if (!SocketIOPacketParser.TryParse(data.Span, _server.Options.MaxAttachments, out SocketIOPacket packet, out string error))
        {
            Fail(error);
            return;
        }

        if (packet.AttachmentCount > 0)
        {
            BeginReassembly(packet, data.Length);
            return;
        }

        if (packet.IsBinary && !BinaryAttachments.AreValid(packet.Data!.Value, 0))
        {
            Fail("placeholder without attachment");
            return;
        }

        Dispatch(packet);
    }

    public void OnClose(EngineConnection connection, string reason)
    {
        _connectTimeout?.Dispose();
        EndReassembly();
        SocketIOSocket[] sockets;
        lock (_sockets)
        {
            sockets = _sockets.ToArray();
        }

        foreach (var socket in sockets)
        {
            socket.OnClose(reason);
        }
    }

    public void Send(in OutboundFrame frame) => Connection.Send(frame);

    internal bool TryAdd(SocketIOSocket socket)
    {
        lock (_sockets)
        {
            if (!Connection.IsOpen || _sockets.Exists(s => s.Namespace == socket.Namespace))
            {
                return false;
            }

            _sockets.Add(socket);
        }

        Interlocked.Exchange(ref _connectTimeout, null)?.Dispose();
        return true;
    }

    internal void Remove(SocketIOSocket socket)
    {
        lock (_sockets)
        {
            _sockets.Remove(socket);
        }
    }

    /// <summary>
    /// Holds a binary packet's text part until its attachments arrive. Its namespace must be joined already: Node
    /// would close the connection for it once complete (an invalid state), so there is no reason to hold a packet
    /// of a client that was refused at CONNECT, or never connected, for as long as it keeps sending attachments.
    /// </summary>
    private void BeginReassembly(SocketIOPacket packet, int textBytes)
    {
        if (Find(packet.Namespace) is null)
        {
            CloseForInvalidState(packet);
            return;
        }

        _reassembling = packet;
        _reassemblingBytes = textBytes;
        _attachmentTimeout = _time.CreateTimer(
            static state =>
            {
                var (client, pending) = ((SocketIOClient, SocketIOPacket))state!;
                client.OnAttachmentTimeout(pending);
            },
            (this, packet),
            TimeSpan.FromMilliseconds(_server.Options.AttachmentTimeoutMs),
            Timeout.InfiniteTimeSpan);
    }

    private void EndReassembly()
    {
        Volatile.Write(ref _reassembling, null);
        _reassemblingBytes = 0;
        Interlocked.Exchange(ref _attachmentTimeout, null)?.Dispose();
    }

    private void OnAttachmentTimeout(SocketIOPacket pending)
    {
        // The last attachment may have arrived as the timer fired: only the packet it was started for counts.
        if (ReferenceEquals(Volatile.Read(ref _reassembling), pending))
        {
            Fail($"binary packet incomplete after {_server.Options.AttachmentTimeoutMs} ms ({pending.Attachments.Count} of {pending.AttachmentCount} attachments)");
        }
    }

    private void OnAttachment(ReadOnlyMemory<byte> data)
    {
        var packet = _reassembling;
        if (packet is null)
        {
            Fail("binary data without a binary packet");
            return;
        }

        _reassemblingBytes += data.Length;
        if (_reassemblingBytes > _server.Options.Engine.MaxPayload)
        {
            Fail("binary packet larger than maxPayload");
            return;
        }

        packet.Attachments.Add(data.ToArray());
        if (!packet.HasAllAttachments)
        {
            return;
        }

        EndReassembly();
        if (!BinaryAttachments.AreValid(packet.Data ?? default, packet.AttachmentCount))
        {
            Fail("illegal attachments");
            return;
        }

        Dispatch(packet);
    }

    /// <summary>
    /// As Node's <c>Client.ondecoded</c>: CONNECT to a namespace not yet joined connects; other packets go to the
    /// joined namespace; anything else (an event for a namespace never joined, a second CONNECT) is an invalid
    /// state and closes the connection.
    /// </summary>
    private void Dispatch(SocketIOPacket packet)
    {
        SocketIOSocket? socket = Find(packet.Namespace);
        if (socket is null && packet.Type == SocketIOPacketType.Connect)
        {
            var (name, auth) = IsProtocolV4 ? NamespaceQuery.Split(packet.Namespace) : (packet.Namespace, packet.Data);
            if (!_server.TryGetNamespace(name, out Namespace? ns))
            {
                // Node answers an unknown namespace in the v5 form whatever the client's protocol.
                Send(SocketIOPacketEncoder.EncodeConnectError(name, "Invalid namespace", null, _server.Json));
                return;
            }

            _ = ns.ConnectAsync(this, auth);
            return;
        }

        if (socket is not null && packet.Type is not (SocketIOPacketType.Connect or SocketIOPacketType.ConnectError))
        {
            socket.OnPacket(packet);
            return;
        }

        CloseForInvalidState(packet);
    }

    private void CloseForInvalidState(SocketIOPacket packet)
    {
        ProtocolLog.InvalidState(_server.Logger, Connection.Id, packet.Type.ToString(), packet.Namespace);
        Connection.Close(CloseReasons.ForcedServerClose);
    }

    private SocketIOSocket? Find(string nsp)
    {
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                if (socket.Namespace.Name == nsp)
                {
                    return socket;
                }
            }
        }

        return null;
    }

    private void OnConnectTimeout()
    {
        bool joined;
        lock (_sockets)
        {
            joined = _sockets.Count > 0;
        }

        if (!joined)
        {
            Connection.Close(CloseReasons.ForcedServerClose);
        }
    }

    private void Fail(string error)
    {
        ProtocolLog.InvalidPacket(_server.Logger, Connection.Id, error);
        Connection.Close(CloseReasons.ParseError);
    }
}
