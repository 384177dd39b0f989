using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Fatechat.Protocol.Hosting;
using Fatechat.Protocol.SocketIO;
using Fatechat.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fatechat.Tests.Protocol;

/// <summary>
/// <c>EngineHandshake.Secure</c> on both doors, over Kestrel's own TLS (a self-signed certificate made here) and
/// plain TCP. The connection door serves TLS when added after <c>UseHttps()</c>; added through endpoint defaults it
/// sees ciphertext and leaves the connection to the HTTP door, which serves it too. A 101 from the connection door
/// carries no <c>Date</c> header, one from the HTTP layer does: that tells which door answered.
/// </summary>
public sealed class SecureHandshakeTests
{
    public enum Setup
    {
        /// <summary>HTTPS endpoint, connection middleware after UseHttps.</summary>
        TlsConnectionDoor,

        /// <summary>HTTPS endpoint, no connection middleware.</summary>
        TlsHttpDoor,

        /// <summary>HTTPS endpoint, connection middleware from endpoint defaults (before TLS).</summary>
        TlsEndpointDefaults,

        /// <summary>Plain TCP, connection middleware.</summary>
        PlainConnectionDoor,
    }

    [TestCase(Setup.TlsConnectionDoor, true, true)]
    [TestCase(Setup.TlsHttpDoor, true, false)]
    [TestCase(Setup.TlsEndpointDefaults, true, false)]
    [TestCase(Setup.PlainConnectionDoor, false, true)]
    public async Task HandshakeKnowsWhetherItCameOverTls(Setup setup, bool secure, bool connectionDoor)
    {
        using var certificate = SelfSigned();
        await using var app = await StartAsync(setup, certificate);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var uri = new Uri(address.Replace("https://", "wss://").Replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket");

        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        await socket.ConnectAsync(uri, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await using var client = EngineWebSocketClient.Over(socket, autoPong: true);

        Assert.That(socket.HttpResponseHeaders!.ContainsKey("Date"), Is.EqualTo(!connectionDoor), "which door answered");
        Assert.That(await client.ReceiveTextAsync(), Does.StartWith("0{"));
        await client.SendAsync("40");
        var replies = await client.ReceiveSkippingPingsAsync(2);
        Assert.That(replies[0].Text, Does.StartWith("40{"));
        Assert.That(replies[1].Text, Is.EqualTo($"42[\"secure\",{(secure ? "true" : "false")}]"));
    }

    private static async Task<WebApplication> StartAsync(Setup setup, X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSocketIO();
        if (setup == Setup.TlsEndpointDefaults)
        {
            builder.WebHost.UseSocketIOWebSockets();
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (setup != Setup.PlainConnectionDoor)
            {
                listen.UseHttps(certificate);
            }

            if (setup is Setup.TlsConnectionDoor or Setup.PlainConnectionDoor)
            {
                listen.UseSocketIOWebSockets();
            }
        }));
        var app = builder.Build();
        app.UseSocketIO();
        app.Services.GetRequiredService<SocketIOServer>().OnConnection(socket => socket.Emit("secure", socket.Handshake.Secure));
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(15));
        return app;
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Kestrel needs the private key in a form the platform's TLS can use: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), password: null);
    }
}
