using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using System.Text.Json;
using Fatechat.Server.Chat;
using Fatechat.Server.Diagnostics;
using Fatechat.Server.Options;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Fatechat.Server.Caching;

/// <summary>
/// The newest messages of each room, shared by every node: one sorted set per room whose members all have score 0,
/// so Redis orders them by member bytes, and each member starts with the message id (a ULID, sortable as text).
/// That gives, in single commands, what a plain LPUSH/LTRIM list cannot: id order even when messages arrive out of
/// order, a redelivered message stored once (same member), and a database warm-up merged into what is cached.
/// <para>
/// Redis unreachable: reads answer a miss (empty), which sends <see cref="RoomHistory"/> to the database, and
/// writes are dropped. A room that missed a write is remembered, and its list is deleted before it is used again,
/// so a list that lacks the messages of the outage is never served as complete.
/// </para>
/// </summary>
public sealed partial class RedisRecentMessageCache(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    IOptions<ChatOptions> options,
    ILogger<RedisRecentMessageCache> logger) : IRecentMessageCache
{
    private const char IdSeparator = '\n';

    private readonly int _capacity = options.Value.RecentMessagesCap;
    private readonly ConcurrentDictionary<string, byte> _staleRooms = new(StringComparer.Ordinal);

    public async ValueTask AddAsync(ChatMessage message, CancellationToken cancellationToken)
    {
        await AddManyAsync(message.RoomName, [ToMember(message)], "ZADD (add)");
    }

    public async ValueTask<IReadOnlyList<ChatMessage>> GetLatestAsync(string roomName, int count, CancellationToken cancellationToken)
    {
        if (count <= 0)
        {
            return [];
        }

        var key = keys.RecentMessages(roomName);
        try
        {
            await DropIfStaleAsync(roomName, key);
            var members = await redis.GetDatabase().SortedSetRangeByRankAsync(key, 0, count - 1, Order.Descending);
            var messages = new List<ChatMessage>(members.Length);
            foreach (var member in members)
            {
                var decoded = FromMember(roomName, member!);
                // Two members for one id only if its encoding changed between versions: keep the first.
                if (messages.Count == 0 || messages[^1].Id != decoded.Id)
                {
                    messages.Add(decoded);
                }
            }

            return messages;
        }
        catch (Exception e) when (RedisConnector.IsUnavailable(e))
        {
            ServerMetrics.BackendFailed(ServerMetrics.Backends.Redis);
            LogReadMissed(key.ToString(), e);
            return [];
        }
    }

    public async ValueTask WarmAsync(string roomName, IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        var members = new SortedSetEntry[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            members[i] = ToMember(messages[i]);
        }

        await AddManyAsync(roomName, members, "ZADD (warm)");
    }

    private async Task AddManyAsync(string roomName, SortedSetEntry[] members, string command)
    {
        var key = keys.RecentMessages(roomName);
        try
        {
            await DropIfStaleAsync(roomName, key);

            // MULTI: a reader never sees the set above the cap, and the trim cannot be lost after the add.
            var transaction = redis.GetDatabase().CreateTransaction();
            _ = transaction.SortedSetAddAsync(key, members);
            _ = transaction.SortedSetRemoveRangeByRankAsync(key, 0, -_capacity - 1);
            await transaction.ExecuteAsync();
        }
        catch (Exception e) when (RedisConnector.IsUnavailable(e))
        {
            ServerMetrics.BackendFailed(ServerMetrics.Backends.Redis);
            _staleRooms.TryAdd(roomName, 0);
            LogWriteDropped(command, key.ToString(), e);
        }
    }

    /// <summary>Deletes the room's list if a write to it was dropped; throws, like any command, while Redis is unreachable.</summary>
    private async Task DropIfStaleAsync(string roomName, RedisKey key)
    {
        if (_staleRooms.IsEmpty || !_staleRooms.ContainsKey(roomName))
        {
            return;
        }

        await redis.GetDatabase().KeyDeleteAsync(key);
        _staleRooms.TryRemove(roomName, out _);
    }

    private static SortedSetEntry ToMember(ChatMessage message)
    {
        var body = JsonSerializer.Serialize(
            new CachedMessage(message.Text, message.SenderMail, message.IsEvent, new DateTimeOffset(DateTime.SpecifyKind(message.CreatedAt, DateTimeKind.Utc)).ToUnixTimeMilliseconds()),
            RedisCacheJsonContext.Default.CachedMessage);
        return new SortedSetEntry(message.Id + IdSeparator + body, 0);
    }

    private static ChatMessage FromMember(string roomName, string member)
    {
        var separator = member.IndexOf(IdSeparator);
        var body = JsonSerializer.Deserialize(member.AsSpan(separator + 1), RedisCacheJsonContext.Default.CachedMessage)
            ?? throw new InvalidDataException($"Recent-message cache entry of room '{roomName}' is empty.");
        return new ChatMessage(member[..separator], roomName, body.Text, body.SenderMail, body.IsEvent,
            DateTime.UnixEpoch.AddMilliseconds(body.CreatedAtMs));
    }

    [LoggerMessage(EventId = 4211, Level = LogLevel.Debug, Message = "Redis unreachable for ZRANGE {Key}; answering a cache miss")]
    private partial void LogReadMissed(string key, Exception exception);

    [LoggerMessage(EventId = 4212, Level = LogLevel.Debug, Message = "Redis unreachable for {Command} {Key}; the room's list will be rebuilt from the database")]
    private partial void LogWriteDropped(string command, string key, Exception exception);
}

/// <summary>A cached message without its id and room, which the member prefix and the key already carry.</summary>
internal sealed record CachedMessage(
    [property: JsonPropertyName("t")] string Text,
    [property: JsonPropertyName("s")] string SenderMail,
    [property: JsonPropertyName("e")] bool IsEvent,
    [property: JsonPropertyName("c")] long CreatedAtMs);

[JsonSerializable(typeof(CachedMessage))]
internal sealed partial class RedisCacheJsonContext : JsonSerializerContext;
