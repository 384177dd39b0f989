using Fatechat.Server.Options;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Fatechat.Server.Caching;

/// <summary>
/// Every key Fatechat writes, under <c>Fatechat:Redis:KeyPrefix</c> (default <c>fatechat:</c>) so that several
/// deployments, or test runs, can share one Redis.
/// </summary>
public sealed class RedisKeys(string prefix)
{
    public RedisKeys(IOptions<RedisOptions> options) : this(options.Value.KeyPrefix)
    {
    }

    public string Prefix { get; } = prefix;

    /// <summary>A recoverable session's record (JSON, with a TTL), by its private session id.</summary>
    public RedisKey Session(string pid) => $"{Prefix}session:{pid}";

    /// <summary>Sorted set of a room's newest messages (see <see cref="RedisRecentMessageCache"/>).</summary>
    public RedisKey RecentMessages(string roomName) => $"{Prefix}room:{roomName}:recent";

    /// <summary>Hash of a room's sockets: field <c>{nodeId}\n{socketId}</c>, value the user's e-mail.</summary>
    public RedisKey PresenceRoom(string roomName) => PresenceRoomPrefix + roomName;

    public string PresenceRoomPrefix => $"{Prefix}presence:room:";

    /// <summary>Set of the rooms in which a node has published sockets, so that it can withdraw them all.</summary>
    public RedisKey PresenceNodeRooms(string nodeId) => $"{Prefix}presence:node:{nodeId}:rooms";

    /// <summary>A node's heartbeat; its sockets count as online only while this key lives (it has a TTL).</summary>
    public RedisKey NodeHeartbeat(string nodeId) => NodeHeartbeatPrefix + nodeId;

    public string NodeHeartbeatPrefix => $"{Prefix}node:";

    /// <summary>
    /// A sender's claim of a client message id (see <see cref="RedisClientMessageIdStore"/>). The client id comes
    /// last and cannot hold a newline, so no two senders and ids share a key.
    /// </summary>
    public RedisKey ClientMessage(ClientMessageKey key) => $"{Prefix}client-message:{key.SenderMail}\n{key.ClientMessageId}";
}
