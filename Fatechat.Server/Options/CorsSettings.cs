namespace Fatechat.Server.Options;

/// <summary>
/// The <c>Fatechat:Cors</c> section: which other origins may call the REST API and the Socket.IO handshake from a
/// browser. Empty (the default) sends no CORS headers at all, as the Node server did: same-origin pages only.
/// </summary>
public sealed class CorsSettings
{
    public const string Section = "Fatechat:Cors";

    /// <summary>Allowed origins, such as <c>https://chat.example.com</c>; <c>*</c> allows any.</summary>
    public string[] Origins { get; set; } = [];

    /// <summary>Let the browser send cookies and auth headers (an origin is then echoed rather than <c>*</c>).</summary>
    public bool Credentials { get; set; }

    public bool IsEnabled => Origins.Length > 0;
}
