namespace Fatechat.Protocol.SocketIO;

/// <summary>Which sockets a broadcast reaches: the union of <see cref="Rooms"/> (every socket when empty), minus exclusions.</summary>
internal readonly record struct BroadcastTarget(string[] Rooms, string[] ExceptRooms, SocketIOSocket? ExceptSocket);
