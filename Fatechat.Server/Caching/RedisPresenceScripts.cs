namespace Fatechat.Server.Caching;

/// <summary>
/// Lua for <see cref="RedisPresenceStore"/>, so that "is this the user's first / last live socket in the room?" is
/// answered atomically across nodes. A room is a hash: field <c>{nodeId}\n{socketId}</c>, value the user's e-mail.
/// An entry counts only while its node's heartbeat key exists; entries of dead nodes found on the way are deleted.
/// The scripts touch keys built from prefixes in ARGV (heartbeats, rooms), so they suit one Redis, not a cluster.
/// </summary>
internal static class RedisPresenceScripts
{
    // Shared by the scripts below: liveness of a node, cached per call.
    private const string IsAlive = """
        local alive = {}
        local function is_alive(heartbeat_prefix, node)
          if alive[node] == nil then alive[node] = redis.call('EXISTS', heartbeat_prefix .. node) == 1 end
          return alive[node]
        end
        local function node_of(field)
          local sep = string.find(field, '\n', 1, true)
          if sep == nil then return nil end
          return string.sub(field, 1, sep - 1)
        end
        -- True when another live socket of the user is in the room (dead ones are deleted on the way).
        local function has_other_live_socket(room, field, user, heartbeat_prefix)
          local entries = redis.call('HGETALL', room)
          local found = false
          for i = 1, #entries, 2 do
            local other = entries[i]
            local node = node_of(other)
            if node ~= nil and not is_alive(heartbeat_prefix, node) then
              redis.call('HDEL', room, other)
            elseif other ~= field and entries[i + 1] == user then
              found = true
            end
          end
          return found
        end
        """;

    /// <summary>KEYS: room hash, node's room set. ARGV: field, user, room name, heartbeat prefix. 1 = first live socket.</summary>
    public const string Add = IsAlive + "\n" + """
        local others = has_other_live_socket(KEYS[1], ARGV[1], ARGV[2], ARGV[4])
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('SADD', KEYS[2], ARGV[3])
        if others then return 0 end
        return 1
        """;

    /// <summary>KEYS: room hash. ARGV: field, user, heartbeat prefix. 1 = that was the user's last live socket.</summary>
    public const string Remove = IsAlive + "\n" + """
        if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
        if has_other_live_socket(KEYS[1], ARGV[1], ARGV[2], ARGV[3]) then return 0 end
        return 1
        """;

    /// <summary>KEYS: room hash. ARGV: heartbeat prefix. The e-mails of live entries, possibly repeated.</summary>
    public const string Online = IsAlive + "\n" + """
        local entries = redis.call('HGETALL', KEYS[1])
        local users = {}
        for i = 1, #entries, 2 do
          local node = node_of(entries[i])
          if node ~= nil and is_alive(ARGV[1], node) then
            users[#users + 1] = entries[i + 1]
          elseif node ~= nil then
            redis.call('HDEL', KEYS[1], entries[i])
          end
        end
        return users
        """;

    /// <summary>
    /// Replaces everything one node published by its current local view, in one step (start-up, reconnection).
    /// KEYS: node's room set. ARGV: node id, room-key prefix, then (room name, socket id, user) triples.
    /// </summary>
    public const string Replace = """
        local node_prefix = ARGV[1] .. '\n'
        for _, room in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          local key = ARGV[2] .. room
          for _, field in ipairs(redis.call('HKEYS', key)) do
            if string.sub(field, 1, #node_prefix) == node_prefix then redis.call('HDEL', key, field) end
          end
        end
        redis.call('DEL', KEYS[1])
        for i = 3, #ARGV, 3 do
          redis.call('HSET', ARGV[2] .. ARGV[i], node_prefix .. ARGV[i + 1], ARGV[i + 2])
          redis.call('SADD', KEYS[1], ARGV[i])
        end
        return 1
        """;
}
