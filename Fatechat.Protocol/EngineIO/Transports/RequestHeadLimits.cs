using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Fatechat.Protocol.EngineIO.Transports;

/// <summary>
/// Kestrel's request limits that a head read below its HTTP layer must also respect: a head over any of them is
/// left to Kestrel, which refuses it (414, 431) as it would on any other connection.
/// </summary>
internal readonly record struct RequestHeadLimits(int MaxRequestLineSize, int MaxHeaderCount, int MaxHeadersTotalSize)
{
    public static RequestHeadLimits KestrelDefaults { get; } = From(new KestrelServerLimits());

    /// <summary>For reading again a head that was already checked.</summary>
    public static RequestHeadLimits None { get; } = new(int.MaxValue, int.MaxValue, int.MaxValue);

    public static RequestHeadLimits From(KestrelServerLimits limits) =>
        new(limits.MaxRequestLineSize, limits.MaxRequestHeaderCount, limits.MaxRequestHeadersTotalSize);
}
