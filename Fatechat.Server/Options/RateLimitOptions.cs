namespace Fatechat.Server.Options;

/// <summary>
/// The <c>Fatechat:RateLimits</c> section: how often one client address or one account may try to log in or
/// register, and how many events one socket may send. A limit whose <c>PermitLimit</c> or <c>PerSecond</c> is 0 is off.
/// docs/configuration.md explains each default.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Fatechat:RateLimits";

    /// <summary>Every login attempt from one client address: each costs a BCrypt verification.</summary>
    public WindowLimit LoginPerIp { get; set; } = new() { PermitLimit = 30, WindowSeconds = 60 };

    /// <summary>Failed logins for one e-mail address, from anywhere; successful ones are not counted.</summary>
    public WindowLimit LoginFailuresPerAccount { get; set; } = new() { PermitLimit = 10, WindowSeconds = 60 };

    /// <summary>Every registration attempt from one client address.</summary>
    public WindowLimit RegisterPerIp { get; set; } = new() { PermitLimit = 20, WindowSeconds = 3600 };

    /// <summary>Registration attempts for one e-mail address, from anywhere.</summary>
    public WindowLimit RegisterPerAccount { get; set; } = new() { PermitLimit = 5, WindowSeconds = 3600 };

    /// <summary><c>sendMessage</c> and <c>sendPrivateMessage</c> of one socket.</summary>
    public EventRate SocketMessages { get; set; } = new() { PerSecond = 5, Burst = 10 };

    /// <summary>Every other event of one socket (joins, history, online lists, typing).</summary>
    public EventRate SocketOtherEvents { get; set; } = new() { PerSecond = 10, Burst = 30 };
}

/// <summary>
/// <c>PermitLimit</c> attempts per <c>WindowSeconds</c>, as a token bucket: a full bucket allows a burst of
/// <c>PermitLimit</c>, and one more attempt is allowed every <c>WindowSeconds / PermitLimit</c>, so a client that
/// ran out waits for one token, not for a whole window to pass.
/// </summary>
public sealed class WindowLimit
{
    public int PermitLimit { get; set; }

    public int WindowSeconds { get; set; } = 60;

    public bool IsOn => PermitLimit > 0;

    /// <summary>How often one token comes back.</summary>
    public TimeSpan TokenPeriod => TimeSpan.FromSeconds((double)WindowSeconds / PermitLimit);
}

/// <summary>A token bucket per socket: <c>Burst</c> events at once, refilled at <c>PerSecond</c>.</summary>
public sealed class EventRate
{
    public double PerSecond { get; set; }

    public int Burst { get; set; }

    public bool IsOn => PerSecond > 0;
}
