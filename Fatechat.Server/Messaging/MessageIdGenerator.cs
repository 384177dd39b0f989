using System.Security.Cryptography;

namespace Fatechat.Server.Messaging;

/// <summary>
/// Message ids are ULIDs (https://github.com/ulid/spec): 48 bits of Unix milliseconds then 80 random bits, as 26
/// Crockford base-32 characters. They sort by time as plain strings (in SQL too: MySQL stores them as CHAR(26)),
/// are unique across nodes without coordination, and stay exact in JavaScript, which a 64-bit number would not.
/// Within one millisecond the random part is incremented, so ids from one node sort in the order they were made.
/// </summary>
public sealed class MessageIdGenerator(TimeProvider time)
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static readonly UInt128 RandomMask = (UInt128.One << 80) - 1;

    private readonly Lock _lock = new();
    private long _lastMs = -1;
    private UInt128 _lastRandom;

    public string NewId() => NewId(out _);

    /// <summary>Returns a new id and the millisecond it encodes, which is also the message's creation time.</summary>
    public string NewId(out DateTime createdAt)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        UInt128 random;
        long ms;
        lock (_lock)
        {
            // A clock that steps back keeps the last timestamp, so ids never go backwards on this node.
            if (now <= _lastMs && _lastRandom < RandomMask)
            {
                ms = _lastMs;
                random = _lastRandom + 1;
            }
            else
            {
                ms = Math.Max(now, _lastMs + 1);
                random = NextRandom();
            }

            _lastMs = ms;
            _lastRandom = random;
        }

        createdAt = DateTime.UnixEpoch.AddMilliseconds(ms);
        return Encode(((UInt128)(ulong)ms << 80) | random);
    }

    /// <summary>
    /// The id of a message imported from the Node app, whose ids were numbers: its creation millisecond and the Node
    /// id in the low bits. The same row always gets the same id, and imported ids sort by time, then by Node id.
    /// </summary>
    public static string FromNodeId(DateTime createdAt, long nodeId)
    {
        var ms = (ulong)(createdAt - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond;
        return Encode(((UInt128)ms << 80) | (ulong)nodeId);
    }

    public static bool IsValid(string? id)
    {
        if (id is null || id.Length != 26 || id[0] > '7')
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!Alphabet.Contains(c))
            {
                return false;
            }
        }

        return true;
    }

    private static UInt128 NextRandom()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes[..10]);
        // Leave headroom so the in-millisecond increment practically never overflows.
        bytes[9] &= 0x7F;
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(bytes);
    }

    private static string Encode(UInt128 value)
    {
        return string.Create(26, value, static (chars, v) =>
        {
            for (var i = 25; i >= 0; i--)
            {
                chars[i] = Alphabet[(int)(v & 31)];
                v >>= 5;
            }
        });
    }
}
