using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace Fatechat.Tests.Support;

/// <summary>
/// A raw Engine.IO client over <see cref="ClientWebSocket"/>: it sends and receives packets exactly as written, so
/// tests can speak the wire format (and break it) byte by byte. A background loop reads every message into a
/// queue; with <see cref="AutoPong"/> it answers the server's ping <c>2</c> with <c>3</c> and hides it, as a real
/// client does, so a healthy connection stays up while a test looks elsewhere.
/// </summary>
public sealed class EngineWebSocketClient : IAsyncDisposable
{
    private readonly WebSocket _socket;
    private readonly Channel<EngineMessage> _received = Channel.CreateUnbounded<EngineMessage>();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _readLoop = Task.CompletedTask;
    private int _disposed;

    private EngineWebSocketClient(WebSocket socket, bool autoPong)
    {
        _socket = socket;
        AutoPong = autoPong;
    }

    public bool AutoPong { get; set; }

    /// <summary>The close status the server sent, once the connection has ended with a close frame.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>Opens the WebSocket; throws <see cref="WebSocketException"/> when the server refuses the upgrade.</summary>
    public static async Task<EngineWebSocketClient> ConnectAsync(Uri uri, bool autoPong = false)
    {
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None).WithTimeout();
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return Over(socket, autoPong);
    }

    /// <summary>Takes over a WebSocket opened some other way, e.g. over a stream after a hand-written handshake.</summary>
    public static EngineWebSocketClient Over(WebSocket socket, bool autoPong = false)
    {
        var client = new EngineWebSocketClient(socket, autoPong);
        client._readLoop = client.ReadLoopAsync();
        return client;
    }

    /// <summary>True when the server refuses the WebSocket or closes it without sending anything but the close.</summary>
    public static async Task<bool> IsRefusedOrClosedAsync(Uri uri)
    {
        EngineWebSocketClient client;
        try
        {
            client = await ConnectAsync(uri);
        }
        catch (WebSocketException)
        {
            return true;
        }

        await using (client)
        {
            return (await client.ReceiveAsync()).IsClosed;
        }
    }

    /// <summary>
    /// True when the server switches protocols and then closes the WebSocket before sending anything, as Node answers
    /// a WebSocket for a session that has upgraded already; false when it refuses the upgrade at the HTTP level (the
    /// suite's <c>ws</c> client then throws "Unexpected server response") or sends a message first.
    /// </summary>
    public static async Task<bool> IsAcceptedThenClosedAsync(Uri uri)
    {
        EngineWebSocketClient client;
        try
        {
            client = await ConnectAsync(uri);
        }
        catch (WebSocketException)
        {
            return false;
        }

        await using (client)
        {
            return (await client.ReceiveAsync()).IsClosed;
        }
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public Task SendAsync(byte[] bytes) => SendAsync(bytes, WebSocketMessageType.Binary);

    public async Task SendAsync(ReadOnlyMemory<byte> data, WebSocketMessageType type)
    {
        await _sendLock.WaitAsync().WithTimeout();
        try
        {
            await _socket.SendAsync(data, type, true, CancellationToken.None).AsTask().WithTimeout();
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>The next message, or <see cref="EngineMessage.Closed"/> once the connection has ended.</summary>
    public async Task<EngineMessage> ReceiveAsync(TimeSpan? timeout = null)
    {
        // A cancelled read leaves the queue untouched; an abandoned one (Task.WaitAsync) would swallow the next message.
        using var deadline = new CancellationTokenSource(timeout ?? AsyncTimeout.Default);
        try
        {
            return await _received.Reader.ReadAsync(deadline.Token);
        }
        catch (ChannelClosedException)
        {
            return EngineMessage.Closed;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"no message within {timeout ?? AsyncTimeout.Default}");
        }
    }

    public async Task<string> ReceiveTextAsync(TimeSpan? timeout = null)
    {
        var message = await ReceiveAsync(timeout);
        Assert.That(message.Text, Is.Not.Null, $"expected a text message, got {message}");
        return message.Text!;
    }

    /// <summary>The next messages that are not pings (the test suites' <c>waitForPackets</c>).</summary>
    public async Task<List<EngineMessage>> ReceiveSkippingPingsAsync(int count, TimeSpan? timeout = null)
    {
        var messages = new List<EngineMessage>(count);
        while (messages.Count < count)
        {
            var message = await ReceiveAsync(timeout);
            if (message.Text == "2")
            {
                continue;
            }

            messages.Add(message);
            if (message.IsClosed)
            {
                break;
            }
        }

        return messages;
    }

    /// <summary>Reads until the server ends the connection; returns what arrived before that.</summary>
    public async Task<List<EngineMessage>> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        var before = new List<EngineMessage>();
        var deadline = DateTime.UtcNow + (timeout ?? AsyncTimeout.Default);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                Assert.Fail($"the server did not close the connection; received {string.Join(", ", before)}");
            }

            var message = await ReceiveAsync(left);
            if (message.IsClosed)
            {
                return before;
            }

            before.Add(message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _socket.Abort();
        try
        {
            await _readLoop.WaitAsync(AsyncTimeout.Default);
        }
        catch (Exception)
        {
        }

        _socket.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await CloseOutputQuietlyAsync();
                        return;
                    }

                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                var received = EngineMessage.FromBytes(message.ToArray(), result.MessageType == WebSocketMessageType.Text);
                if (AutoPong && received.Text == "2")
                {
                    await SendAsync("3");
                    continue;
                }

                _received.Writer.TryWrite(received);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException or TimeoutException)
        {
            // The server dropped the TCP connection, or the test ended: either way the connection is over.
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }

    private async Task CloseOutputQuietlyAsync()
    {
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(AsyncTimeout.Default);
        }
        catch (Exception exception) when (exception is WebSocketException or TimeoutException or ObjectDisposedException)
        {
        }
    }
}
