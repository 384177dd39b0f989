using StackExchange.Redis;

namespace Fatechat.Server.Caching;

/// <summary>
/// Client message id claims shared by every node: one string key per sender and client id (see
/// <see cref="RedisKeys.ClientMessage"/>) holding <c>{P|S}\n{messageId}\n{fingerprint}</c> (pending or published),
/// with a PX expiry. Each write is one Lua script, so a read and the write that depends on it cannot interleave
/// with another node's. Throws, like any command, while Redis is unreachable: <see cref="Messaging.ClientMessagePublisher"/>
/// decides what a send does then.
/// </summary>
public sealed class RedisClientMessageIdStore(IConnectionMultiplexer redis, RedisKeys keys) : IClientMessageIdStore
{
    // KEYS: the claim. ARGV: value, ttl ms. The held value, or nil once this claim is stored.
    private const string Claim = """
        local held = redis.call('GET', KEYS[1])
        if held then return held end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return false
        """;

    // KEYS: the claim. ARGV: expected value, replacement ('' frees the key), ttl ms. 1 when replaced.
    private const string Replace = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
        return 1
        """;

    public async ValueTask<ClientMessageClaim?> TryClaimAsync(ClientMessageKey key, ClientMessageClaim claim, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var held = await redis.GetDatabase().ScriptEvaluateAsync(Claim, [keys.ClientMessage(key)], [Encode(claim), Milliseconds(ttl)]);
        return held.IsNull ? null : Decode(key, (string)held!);
    }

    public async ValueTask<ClientMessageClaim?> GetAsync(ClientMessageKey key, CancellationToken cancellationToken)
    {
        var held = await redis.GetDatabase().StringGetAsync(keys.ClientMessage(key));
        return held.IsNull ? null : Decode(key, held!);
    }

    public async ValueTask<bool> ReplaceAsync(ClientMessageKey key, ClientMessageClaim expected, ClientMessageClaim? replacement, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var replaced = await redis.GetDatabase().ScriptEvaluateAsync(Replace, [keys.ClientMessage(key)],
            [Encode(expected), replacement is null ? "" : Encode(replacement), Milliseconds(ttl)]);
        return (long)replaced == 1;
    }

    private static long Milliseconds(TimeSpan ttl) => Math.Max(1, (long)ttl.TotalMilliseconds);

    private static string Encode(ClientMessageClaim claim) => $"{(claim.Published ? 'S' : 'P')}\n{claim.MessageId}\n{claim.Fingerprint}";

    private static ClientMessageClaim Decode(ClientMessageKey key, string value)
    {
        var parts = value.Split('\n');
        if (parts.Length != 3 || parts[0] is not ("P" or "S"))
        {
            throw new InvalidDataException($"Client message id claim of {key.SenderMail} / {key.ClientMessageId} is not a claim: '{value}'.");
        }

        return new ClientMessageClaim(parts[1], parts[2], Published: parts[0] == "S");
    }
}
