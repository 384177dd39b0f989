using System.Net;
using System.Net.Sockets;

namespace Fatechat.Tests.Support;

/// <summary>
/// An HTTP client whose connections leave from another loopback address (Linux routes all of 127.0.0.0/8 to lo),
/// so that a server on 127.0.0.1 sees a second, distinct client address without leaving the machine.
/// </summary>
internal static class LoopbackClient
{
    public static HttpClient From(string sourceAddress, Uri baseAddress) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(sourceAddress), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };
}
