using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Fatechat.Tests.Support;

/// <summary>
/// A WebSocket client over a bare TCP socket that receives the way the public conformance suites do. Their
/// <c>ws</c> client (8.5) hands over every frame of one TCP read at once, and a test only listens for its next
/// message after its <c>await</c> has resumed, so <see cref="WaitForMessage"/> returns the first frame that a read
/// completes and drops the others of that read, as the suites lose them. A port written with this client fails
/// where the suite fails when the server lets two packets share a read.
/// </summary>
public sealed class SuiteWebSocketClient : IDisposable
{
    private const byte TextOpcode = 0x1;
    private const byte CloseOpcode = 0x8;

    private readonly Socket _socket;
    private readonly List<byte> _unread = new();
    private readonly byte[] _buffer = new byte[64 * 1024];

    private SuiteWebSocketClient(Socket socket) => _socket = socket;

    /// <summary>Opens the WebSocket; fails the test unless the server switches protocols.</summary>
    public static SuiteWebSocketClient Connect(Uri uri, TimeSpan? timeout = null)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        int milliseconds = (int)(timeout ?? AsyncTimeout.Default).TotalMilliseconds;
        socket.ReceiveTimeout = socket.SendTimeout = milliseconds;
        var client = new SuiteWebSocketClient(socket);
        try
        {
            socket.Connect(uri.Host, uri.Port);
            client.Handshake(uri);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return client;
    }

    /// <summary>
    /// The suites' <c>await waitFor(socket, "message")</c>: the first text frame of the next read (frames left in
    /// the read of the 101 count as one read); null when the server closes the WebSocket instead.
    /// </summary>
    public string? WaitForMessage()
    {
        while (true)
        {
            var frames = TakeWholeFrames();
            if (frames.Count > 0)
            {
                var (opcode, payload) = frames[0];
                return opcode == CloseOpcode ? null : Encoding.UTF8.GetString(payload);
            }

            if (!ReadOnce())
            {
                return null;
            }
        }
    }

    /// <summary>The suites' <c>socket.send(text)</c>: one masked text frame.</summary>
    public void Send(string text)
    {
        byte[] payload = Encoding.UTF8.GetBytes(text);
        var frame = new List<byte> { (byte)(0x80 | TextOpcode) };
        if (payload.Length < 126)
        {
            frame.Add((byte)(0x80 | payload.Length));
        }
        else
        {
            frame.Add(0x80 | 126);
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }

        byte[] mask = RandomNumberGenerator.GetBytes(4);
        frame.AddRange(mask);
        for (int i = 0; i < payload.Length; i++)
        {
            frame.Add((byte)(payload[i] ^ mask[i % 4]));
        }

        _socket.Send(frame.ToArray());
    }

    public void Dispose() => _socket.Dispose();

    private void Handshake(Uri uri)
    {
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        _socket.Send(Encoding.ASCII.GetBytes(
            $"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"));

        int headEnd;
        while ((headEnd = IndexOfHeadEnd()) < 0)
        {
            Assert.That(ReadOnce(), Is.True, "the server closed the connection before answering the handshake");
        }

        string head = Encoding.ASCII.GetString(_unread.GetRange(0, headEnd).ToArray());
        _unread.RemoveRange(0, headEnd + 4);
        Assert.That(head, Does.StartWith("HTTP/1.1 101 "), "the server switches protocols");
    }

    private int IndexOfHeadEnd()
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

    /// <summary>One read from the socket; false at the end of the connection.</summary>
    private bool ReadOnce()
    {
        int read = _socket.Receive(_buffer);
        _unread.AddRange(_buffer.AsSpan(0, read).ToArray());
        return read > 0;
    }

    /// <summary>Every whole (unmasked, unfragmented) frame now buffered; a partial frame stays for the next read.</summary>
    private List<(byte Opcode, byte[] Payload)> TakeWholeFrames()
    {
        var frames = new List<(byte, byte[])>();
        while (TryTakeFrame(out byte opcode, out byte[] payload))
        {
            frames.Add((opcode, payload));
        }

        return frames;
    }

    private bool TryTakeFrame(out byte opcode, out byte[] payload)
    {
        opcode = 0;
        payload = [];
        if (_unread.Count < 2)
        {
            return false;
        }

        int length = _unread[1] & 0x7F;
        int offset = 2;
        if (length == 126)
        {
            if (_unread.Count < 4)
            {
                return false;
            }

            length = BinaryPrimitives.ReadUInt16BigEndian([_unread[2], _unread[3]]);
            offset = 4;
        }
        else if (length == 127)
        {
            if (_unread.Count < 10)
            {
                return false;
            }

            length = (int)BinaryPrimitives.ReadUInt64BigEndian(_unread.GetRange(2, 8).ToArray());
            offset = 10;
        }

        if (_unread.Count < offset + length)
        {
            return false;
        }

        opcode = (byte)(_unread[0] & 0x0F);
        payload = _unread.GetRange(offset, length).ToArray();
        _unread.RemoveRange(0, offset + length);
        return true;
    }
}
