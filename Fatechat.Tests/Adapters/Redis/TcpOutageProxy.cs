using System.Net;
using System.Net.Sockets;

namespace Fatechat.Tests.Adapters.Redis;

/// <summary>
/// A loopback TCP relay in front of the shared Redis, on a port the OS picks. An outage cuts every relayed
/// connection and refuses new ones (accepted, then closed at once) until it ends: to the client exactly a Redis
/// that went away and came back, while the real server and everybody else's connections are untouched.
/// </summary>
internal sealed class TcpOutageProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _upstreamHost;
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<(TcpClient Client, TcpClient Upstream)> _pairs = [];
    private readonly Task _acceptLoop;
    private volatile bool _down;

    public TcpOutageProxy(string upstreamHost, int upstreamPort)
    {
        _upstreamHost = upstreamHost;
        _upstreamPort = upstreamPort;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string EndPoint => $"127.0.0.1:{Port}";

    public void StartOutage()
    {
        _down = true;
        lock (_lock)
        {
            foreach (var (client, upstream) in _pairs)
            {
                client.Close();
                upstream.Close();
            }

            _pairs.Clear();
        }
    }

    public void EndOutage() => _down = false;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        try
        {
            if (_down)
            {
                return;
            }

            await upstream.ConnectAsync(_upstreamHost, _upstreamPort, _stop.Token);
            lock (_lock)
            {
                if (_down)
                {
                    return;
                }

                _pairs.Add((client, upstream));
            }

            var a = client.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
            var b = upstream.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
            await Task.WhenAny(a, b);
        }
        catch (Exception)
        {
            // Either side closing (an outage, the test ending) ends the relay; the client sees a dropped connection.
        }
        finally
        {
            client.Close();
            upstream.Close();
            lock (_lock)
            {
                _pairs.RemoveAll(p => p.Client == client);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        StartOutage();
        await _acceptLoop;
    }
}
