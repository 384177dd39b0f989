namespace Fatechat.Tests.Support;

/// <summary>
/// The two doors WebSockets come through: a suite runs once per door. Fatechat.Server serves them from the
/// connection door; the HTTP door serves every host that does not call <c>UseSocketIOWebSockets</c>, every
/// request on a reused keep-alive connection, and everything the connection door leaves to it.
/// </summary>
public enum EntryPath
{
    /// <summary>Kestrel connection middleware, below the HTTP layer (<c>UseSocketIOWebSockets</c>).</summary>
    Connection,

    /// <summary>Kestrel's HTTP layer and its upgrade feature.</summary>
    Http,
}
