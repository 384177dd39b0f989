using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Fatechat.Tests.Support;

/// <summary>
/// A WebSocket client that writes frames by hand over a bare TCP connection: any first byte (reserved bits,
/// fragments, opcodes), any payload, batches of many frames in one write. For the shapes no well-behaved client
/// library will send. Frames from the server are read whole; only text and close frames matter to the tests.
/// </summary>
public sealed class RawWebSocketClient : IAsyncDisposable
{
    public const byte Fin = 0x80;
    public const byte Rsv1 = 0x40;
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Close = 0x8;

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly List<byte> _unread = new();

    private RawWebSocketClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Opens the TCP connection and writes an upgrade request for <paramref name="target"/>; reads nothing.</summary>
    public static async Task<RawWebSocketClient> OpenAsync(Uri baseUri, string target, string extraHeaders = "")
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(baseUri.Host, baseUri.Port).WithTimeout();
        var client = new RawWebSocketClient(tcp);
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        await client.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET {target} HTTP/1.1\r\nHost: {baseUri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extraHeaders}\r\n"));
        return client;
    }

    /// <summary>The status code of the response to the upgrade request; its head is consumed.</summary>
    public async Task<int> ReadStatusAsync()
    {
        using var deadline = new CancellationTokenSource(AsyncTimeout.Default);
        while (IndexOfEndOfHead() < 0)
        {
            await FillAsync(deadline.Token);
        }

        int end = IndexOfEndOfHead();
        string head = Encoding.ASCII.GetString(_unread.GetRange(0, end).ToArray());
        _unread.RemoveRange(0, end + 4);
        return int.Parse(head.Split(' ', 3)[1]);
    }

    /// <summary>One masked frame with <paramref name="first"/> as its first byte (FIN, reserved bits, opcode).</summary>
    public Task SendFrameAsync(byte first, ReadOnlySpan<byte> payload) => WriteAsync(Frame(first, payload));

    public Task SendTextAsync(string text) => SendFrameAsync(Fin | Text, Encoding.UTF8.GetBytes(text));

    /// <summary>A masked client frame as bytes, to be batched with others in one write.</summary>
    public static byte[] Frame(byte first, ReadOnlySpan<byte> payload)
    {
        int lengthBytes = payload.Length < 126 ? 0 : payload.Length <= ushort.MaxValue ? 2 : 8;
        var frame = new byte[2 + lengthBytes + 4 + payload.Length];
        frame[0] = first;
        if (lengthBytes == 0)
        {
            frame[1] = (byte)(0x80 | payload.Length);
        }
        else if (lengthBytes == 2)
        {
            frame[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        }
        else
        {
            frame[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
        }

        Span<byte> mask = frame.AsSpan(2 + lengthBytes, 4);
        RandomNumberGenerator.Fill(mask);
        Span<byte> body = frame.AsSpan(2 + lengthBytes + 4);
        for (int i = 0; i < payload.Length; i++)
        {
            body[i] = (byte)(payload[i] ^ mask[i & 3]);
        }

        return frame;
    }

    public Task WriteAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask().WithTimeout();

    /// <summary>The next text frame's payload; fails the test on a close or the end of the connection.</summary>
    public async Task<string> ReceiveTextAsync()
    {
        using var deadline = new CancellationTokenSource(AsyncTimeout.Default);
        while (true)
        {
            var (opcode, payload) = await ReadFrameAsync(deadline.Token);
            Assert.That(opcode, Is.Not.Null, "the server ended the connection");
            Assert.That(opcode, Is.Not.EqualTo(Close), "the server closed the WebSocket");
            if (opcode == Text)
            {
                return Encoding.UTF8.GetString(payload);
            }
        }
    }

    /// <summary>
    /// Reads until the server's close frame and returns its status code; null when the connection ended without one.
    /// Text frames before it (pings, queued packets) are skipped.
    /// </summary>
    public async Task<int?> ReadCloseStatusAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? AsyncTimeout.Default);
        while (true)
        {
            var (opcode, payload) = await ReadFrameAsync(deadline.Token);
            if (opcode is null)
            {
                return null;
            }

            if (opcode == Close)
            {
                return payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 1005;
            }
        }
    }

    private async Task<(byte? Opcode, byte[] Payload)> ReadFrameAsync(CancellationToken cancellation)
    {
        while (true)
        {
            if (TryTakeFrame(out byte opcode, out byte[] payload))
            {
                return (opcode, payload);
            }

            try
            {
                if (!await FillAsync(cancellation))
                {
                    return (null, []);
                }
            }
            catch (IOException)
            {
                return (null, []); // reset by the server
            }
        }
    }

    /// <summary>An unmasked server frame off the front of what has been read, if it is all there.</summary>
    private bool TryTakeFrame(out byte opcode, out byte[] payload)
    {
        opcode = 0;
        payload = [];
        if (_unread.Count < 2)
        {
            return false;
        }

        int length7 = _unread[1] & 0x7F;
        int header = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0);
        if (_unread.Count < header)
        {
            return false;
        }

        byte[] head = _unread.GetRange(0, header).ToArray();
        long length = length7 switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(head.AsSpan(2)),
            127 => (long)BinaryPrimitives.ReadUInt64BigEndian(head.AsSpan(2)),
            _ => length7,
        };
        if (_unread.Count < header + length)
        {
            return false;
        }

        opcode = (byte)(_unread[0] & 0x0F);
        payload = _unread.GetRange(header, (int)length).ToArray();
        _unread.RemoveRange(0, header + (int)length);
        return true;
    }

    private async Task<bool> FillAsync(CancellationToken cancellation)
    {
        var buffer = new byte[64 * 1024];
        int read = await _stream.ReadAsync(buffer, cancellation);
        if (read == 0)
        {
            return false;
        }

        _unread.AddRange(buffer.AsSpan(0, read).ToArray());
        return true;
    }

    private int IndexOfEndOfHead()
    {
        for (int i = 0; i + 3 < _unread.Count; i++)
        {
            if (_unread[i] == '\r' && _unread[i + 1] == '\n' && _unread[i + 2] == '\r' && _unread[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
