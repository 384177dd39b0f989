using System.Net;
using System.Net.Sockets;

namespace Fatechat.Tests.Support;

/// <summary>Finds a loopback TCP port that is free right now, for servers that need their URL before they start.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
