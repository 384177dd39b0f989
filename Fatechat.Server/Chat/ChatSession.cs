using Fatechat.Protocol.Logging;
using Fatechat.Protocol.SocketIO;
using Fatechat.Server.Auth;

namespace Fatechat.Server.Chat;

/// <summary>
/// One authenticated socket: its user and the rooms it joined. The protocol runs a socket's events one at a time,
/// in arrival order, so a sendMessage right after joinRoom sees the join and two messages from one tab keep theirs.
/// </summary>
public sealed class ChatSession(SocketIOSocket socket, ChatUser user, ILogger? logger = null)
{
    private const string DataKey = "fatechat.session";

    private readonly HashSet<string> _rooms = new(StringComparer.Ordinal);
    private SocketEventBudget? _eventBudget;

    public SocketIOSocket Socket { get; } = socket;

    public ChatUser User { get; } = user;

    /// <summary>Where lines about this socket go (refusals); their scope carries the ids.</summary>
    internal ILogger Logger { get; } = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>The user on every line logged about this socket; made once per socket.</summary>
    internal LogScope LogScope { get; } = new("user", user.Email);

    public static ChatSession Attach(SocketIOSocket socket, ChatUser user, ILogger? logger = null)
    {
        var session = new ChatSession(socket, user, logger);
        socket.Data[DataKey] = session;
        return session;
    }

    /// <summary>The session attached to <paramref name="socket"/>, or null for a socket that was not authenticated.</summary>
    public static ChatSession? Of(SocketIOSocket socket) =>
        socket.Data.TryGetValue(DataKey, out var value) ? value as ChatSession : null;

    /// <summary>The socket's rate-limit buckets, made by <paramref name="create"/> on first use.</summary>
    internal SocketEventBudget EventBudget(Func<SocketEventBudget> create) =>
        Volatile.Read(ref _eventBudget) ?? Interlocked.CompareExchange(ref _eventBudget, create(), null) ?? _eventBudget!;

    public bool AddRoom(string roomName)
    {
        lock (_rooms)
        {
            return _rooms.Add(roomName);
        }
    }

    /// <summary>The joined room's stored spelling, matching <paramref name="roomName"/> case-insensitively as the database does.</summary>
    public string? FindRoom(string roomName)
    {
        lock (_rooms)
        {
            if (_rooms.Contains(roomName))
            {
                return roomName;
            }

            return _rooms.FirstOrDefault(r => string.Equals(r, roomName, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>The rooms joined so far, in no particular order.</summary>
    public string[] Rooms
    {
        get
        {
            lock (_rooms)
            {
                return _rooms.ToArray();
            }
        }
    }

    public string[] TakeRooms()
    {
        lock (_rooms)
        {
            var rooms = _rooms.ToArray();
            _rooms.Clear();
            return rooms;
        }
    }
}
