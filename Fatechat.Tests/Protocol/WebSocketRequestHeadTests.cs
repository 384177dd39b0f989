using System.Buffers;
using System.Text;
using Fatechat.Protocol.EngineIO.Transports;

namespace Fatechat.Tests.Protocol;

/// <summary>
/// <see cref="WebSocketRequestHead.TryParse"/> on the first bytes of a connection: a plain HTTP/1.1 GET of the
/// engine's path is parsed once its blank line arrives, a prefix that could still become one asks for more, and
/// anything else is left to Kestrel (NotOurs) — early, on the first bytes, when they already cannot match.
/// </summary>
public sealed class WebSocketRequestHeadTests
{
    private const string EnginePath = "/socket.io/";
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string Target = "/socket.io/?EIO=4&transport=websocket&sid=abc%2Bdef";

    private const string Headers =
        "Host: 127.0.0.1:3000\r\n" +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        "Sec-WebSocket-Key: " + Key + "\r\n" +
        "Sec-WebSocket-Version: 13\r\n";

    private const string Handshake = "GET " + Target + " HTTP/1.1\r\n" + Headers + "\r\n";

    [Test]
    public void CompleteHandshakeHeadIsParsed()
    {
        var scan = Scan(Handshake, out var head);

        Assert.That(scan, Is.EqualTo(RequestHeadScan.Complete));
        Assert.Multiple(() =>
        {
            Assert.That(head!.Target, Is.EqualTo(Target));
            Assert.That(head.Query["EIO"].ToString(), Is.EqualTo("4"));
            Assert.That(head.Query["transport"].ToString(), Is.EqualTo("websocket"));
            Assert.That(head.Query["sid"].ToString(), Is.EqualTo("abc+def"), "query values are unescaped");
            Assert.That(head.Headers["sec-websocket-key"].ToString(), Is.EqualTo(Key), "header names are case-insensitive");
            Assert.That(head.Headers["SEC-WEBSOCKET-VERSION"].ToString(), Is.EqualTo("13"));
            Assert.That(head.Headers["Host"].ToString(), Is.EqualTo("127.0.0.1:3000"));
            Assert.That(head.Length, Is.EqualTo(Encoding.ASCII.GetByteCount(Handshake)));
        });
    }

    [Test]
    public void BytesAfterTheBlankLineAreNotCountedInLength()
    {
        byte[] frame = [0x81, 0x85, 1, 2, 3, 4, (byte)'4', (byte)'h', (byte)'e', (byte)'l', (byte)'l'];
        byte[] bytes = [.. Encoding.ASCII.GetBytes(Handshake), .. frame];

        var scan = WebSocketRequestHead.TryParse(new ReadOnlySequence<byte>(bytes), EnginePath, out var head);

        Assert.That(scan, Is.EqualTo(RequestHeadScan.Complete));
        Assert.That(head!.Length, Is.EqualTo(bytes.Length - frame.Length));
    }

    [Test]
    public void DuplicateHeadersAreJoinedAndValuesTrimmed()
    {
        var scan = Scan(HandshakeWith("X-Forwarded-For: 10.0.0.1\r\nx-forwarded-for:\t10.0.0.2 \r\nX-Empty:\r\n"), out var head);

        Assert.That(scan, Is.EqualTo(RequestHeadScan.Complete));
        Assert.That(head!.Headers["X-Forwarded-For"].ToArray(), Is.EqualTo(new[] { "10.0.0.1", "10.0.0.2" }));
        Assert.That(head.Headers["X-Empty"].ToString(), Is.Empty);
    }

    [TestCase("/socket.io/", "/socket.io/?EIO=4&transport=websocket")]
    [TestCase("/socket.io/", "/socket.io?EIO=4&transport=websocket")]
    [TestCase("/socket.io", "/socket.io/?EIO=4&transport=websocket")]
    [TestCase("/socket.io", "/socket.io?EIO=4&transport=websocket")]
    public void EnginePathIsTakenWithOrWithoutItsLastSlash(string path, string target)
    {
        string text = $"GET {target} HTTP/1.1\r\n{Headers}\r\n";

        var scan = WebSocketRequestHead.TryParse(Sequence(Encoding.ASCII.GetBytes(text)), path, out var head);

        Assert.That(scan, Is.EqualTo(RequestHeadScan.Complete));
        Assert.That(head!.Target, Is.EqualTo(target));
        Assert.That(head.Query["transport"].ToString(), Is.EqualTo("websocket"));
    }

    [Test]
    public void EveryPrefixOfTheHeadIsIncomplete()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(Handshake);
        for (int length = 0; length < bytes.Length; length++)
        {
            var scan = WebSocketRequestHead.TryParse(Sequence(bytes[..length]), EnginePath, out var head);

            Assert.That(scan, Is.EqualTo(RequestHeadScan.Incomplete), $"after {length} bytes");
            Assert.That(head, Is.Null);
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(7)]
    [TestCase(64)]
    public void HeadSplitAcrossSegmentsIsParsed(int segmentSize)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(Handshake + "tail");
        var sequence = Segmented(bytes, segmentSize);
        Assert.That(sequence.IsSingleSegment, Is.False);

        var scan = WebSocketRequestHead.TryParse(sequence, EnginePath, out var head);

        Assert.That(scan, Is.EqualTo(RequestHeadScan.Complete));
        Assert.That(head!.Target, Is.EqualTo(Target));
        Assert.That(head.Headers["Sec-WebSocket-Key"].ToString(), Is.EqualTo(Key));
        Assert.That(head.Length, Is.EqualTo(bytes.Length - "tail".Length));
    }

    [Test]
    public void IncompleteHeadSplitAcrossSegmentsAsksForMore()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(Handshake[..^1]);

        var scan = WebSocketRequestHead.TryParse(Segmented(bytes, 5), EnginePath, out _);

        Assert.That(scan, Is.EqualTo(RequestHeadScan.Incomplete));
    }

    [TestCase("POST /socket.io/?EIO=4&transport=websocket HTTP/1.1", TestName = "PostIsNotOurs")]
    [TestCase("HEAD /socket.io/?EIO=4&transport=websocket HTTP/1.1", TestName = "HeadMethodIsNotOurs")]
    [TestCase("get /socket.io/?EIO=4&transport=websocket HTTP/1.1", TestName = "LowerCaseMethodIsNotOurs")]
    [TestCase("GET /socket.iox?EIO=4&transport=websocket HTTP/1.1", TestName = "LongerPathIsNotOurs")]
    [TestCase("GET /socket.io/x?EIO=4&transport=websocket HTTP/1.1", TestName = "SubPathIsNotOurs")]
    [TestCase("GET /api/rooms?EIO=4 HTTP/1.1", TestName = "OtherPathIsNotOurs")]
    [TestCase("GET /socket.io/ HTTP/1.1", TestName = "PathWithoutQueryIsNotOurs")]
    [TestCase("GET /socket.io HTTP/1.1", TestName = "BarePathWithoutQueryIsNotOurs")]
    [TestCase("GET /socket.io/?EIO=4&transport=websocket HTTP/1.0", TestName = "Http10IsNotOurs")]
    [TestCase("GET /socket.io/?EIO=4&transport=websocket HTTP/2.0", TestName = "Http2RequestLineIsNotOurs")]
    [TestCase("GET /socket.io/?EIO=4&transport=websocket  HTTP/1.1", TestName = "DoubleSpaceInRequestLineIsNotOurs")]
    [TestCase("GET /socket.io/?EIO=4&transport=websocket", TestName = "RequestLineWithoutVersionIsNotOurs")]
    [TestCase("GET http://127.0.0.1/socket.io/?EIO=4&transport=websocket HTTP/1.1", TestName = "AbsoluteFormTargetIsNotOurs")]
    public void RequestLineOtherThanGetOfEnginePathIsNotOurs(string requestLine)
    {
        Assert.That(Scan($"{requestLine}\r\n{Headers}\r\n", out var head), Is.EqualTo(RequestHeadScan.NotOurs));
        Assert.That(head, Is.Null);
    }

    [TestCase("X-Broken\r\n", TestName = "HeaderWithoutColonIsNotOurs")]
    [TestCase(": value\r\n", TestName = "HeaderWithEmptyNameIsNotOurs")]
    [TestCase("X-Name : value\r\n", TestName = "SpaceBeforeColonIsNotOurs")]
    [TestCase("X-Name\t: value\r\n", TestName = "TabBeforeColonIsNotOurs")]
    [TestCase("X Name: value\r\n", TestName = "SpaceInHeaderNameIsNotOurs")]
    [TestCase("X-Name: value\r\n continued\r\n", TestName = "ObsoleteFoldingIsNotOurs")]
    [TestCase("X-Name: value\r\n\tmore: text\r\n", TestName = "ObsoleteFoldingWithColonIsNotOurs")]
    [TestCase("X(Name): value\r\n", TestName = "SeparatorInHeaderNameIsNotOurs")]
    [TestCase("Content-Length: 0\r\n", TestName = "ContentLengthIsNotOurs")]
    [TestCase("content-length: 5\r\n", TestName = "LowerCaseContentLengthIsNotOurs")]
    [TestCase("Transfer-Encoding: chunked\r\n", TestName = "TransferEncodingIsNotOurs")]
    public void UnusualHeaderIsNotOurs(string extraHeader)
    {
        Assert.That(Scan(HandshakeWith(extraHeader), out var head), Is.EqualTo(RequestHeadScan.NotOurs));
        Assert.That(head, Is.Null);
    }

    /// <summary>
    /// Heads Kestrel's HTTP layer refuses (400, 431, 414 with its default limits) must reach it, not be served
    /// as WebSockets. Known failures, ignored until the parser refuses them.
    /// </summary>
    [TestCase("X-Name: a\rb\r\n", TestName = "BareCarriageReturnInHeaderIsNotOurs")]
    [TestCase("X-Name: a\nHost: b\r\n", TestName = "BareLineFeedInHeaderIsNotOurs")]
    [TestCase("Host: 127.0.0.2\r\n", TestName = "SecondHostIsNotOurs")]
    public void HeadKestrelWouldRefuseIsNotOurs(string extraHeader)
    {
        Assert.That(Scan(HandshakeWith(extraHeader), out _), Is.EqualTo(RequestHeadScan.NotOurs));
    }

    [Test]
    public void InvalidHostValueIsNotOurs()
    {
        Assert.That(Scan(Handshake.Replace("Host: 127.0.0.1:3000", "Host: a b/c"), out _), Is.EqualTo(RequestHeadScan.NotOurs));
    }

    [Test]
    public void MoreHeadersThanKestrelAllowsAreNotOurs()
    {
        string many = string.Concat(Enumerable.Range(0, 100).Select(i => $"X-Header-{i}: v\r\n"));

        Assert.That(Scan(HandshakeWith(many), out _), Is.EqualTo(RequestHeadScan.NotOurs));
    }

    [Test]
    public void RequestLineLongerThanKestrelAllowsIsNotOurs()
    {
        string target = "/socket.io/?EIO=4&transport=websocket&x=" + new string('a', 9000);

        Assert.That(Scan($"GET {target} HTTP/1.1\r\n{Headers}\r\n", out _), Is.EqualTo(RequestHeadScan.NotOurs));
    }

    [Test]
    public void HeadWithoutHostIsNotOurs()
    {
        string withoutHost = Handshake.Replace("Host: 127.0.0.1:3000\r\n", "");
        Assume.That(withoutHost, Is.Not.EqualTo(Handshake));

        Assert.That(Scan(withoutHost, out _), Is.EqualTo(RequestHeadScan.NotOurs));
    }

    [TestCase((byte)0xE9, TestName = "Latin1ByteIsNotOurs")]
    [TestCase((byte)0xC3, TestName = "Utf8LeadByteIsNotOurs")]
    [TestCase((byte)0x80, TestName = "HighByteIsNotOurs")]
    [TestCase((byte)0x7F, TestName = "DeleteByteIsNotOurs")]
    [TestCase((byte)0x00, TestName = "NulByteIsNotOurs")]
    [TestCase((byte)0x01, TestName = "ControlByteIsNotOurs")]
    [TestCase((byte)0x1B, TestName = "EscapeByteIsNotOurs")]
    public void UnusualByteInHeaderValueIsNotOurs(byte unusual)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(HandshakeWith("X-Name: ab\r\n"));
        int at = Handshake.Length - "\r\n".Length + "X-Name: a".Length;
        Assume.That((char)bytes[at], Is.EqualTo('b'));
        bytes[at] = unusual;

        Assert.That(WebSocketRequestHead.TryParse(Sequence(bytes), EnginePath, out _), Is.EqualTo(RequestHeadScan.NotOurs));
    }

    [Test]
    public void NonAsciiByteInQueryIsNotOurs()
    {
        byte[] bytes = [.. Encoding.ASCII.GetBytes("GET /socket.io/?EIO=4&transport=websocket&x="), 0xFF, .. Encoding.ASCII.GetBytes($" HTTP/1.1\r\n{Headers}\r\n")];

        Assert.That(WebSocketRequestHead.TryParse(Sequence(bytes), EnginePath, out _), Is.EqualTo(RequestHeadScan.NotOurs));
    }

    [Test]
    public void IncompleteHeadLongerThanLimitIsNotOurs()
    {
        string start = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nX-Padding: ";
        string atLimit = start + new string('a', WebSocketRequestHead.MaxLength - start.Length);

        Assert.That(Scan(atLimit, out _), Is.EqualTo(RequestHeadScan.Incomplete), "exactly the limit without a blank line yet");
        Assert.That(Scan(atLimit + "a", out _), Is.EqualTo(RequestHeadScan.NotOurs));
    }

    [Test]
    public void CompleteHeadIsTakenUpToTheLimitAndNotBeyond()
    {
        string start = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n" + Headers + "X-Padding: ";
        string end = "\r\n\r\n";
        string atLimit = start + new string('a', WebSocketRequestHead.MaxLength - start.Length - end.Length) + end;
        Assume.That(atLimit, Has.Length.EqualTo(WebSocketRequestHead.MaxLength));
        string overLimit = atLimit.Replace("X-Padding: ", "X-Padding: a");

        Assert.That(Scan(atLimit, out var head), Is.EqualTo(RequestHeadScan.Complete));
        Assert.That(head!.Length, Is.EqualTo(WebSocketRequestHead.MaxLength));
        Assert.That(Scan(overLimit, out _), Is.EqualTo(RequestHeadScan.NotOurs));
    }

    [TestCase("P", TestName = "FirstByteOfPostIsNotOurs")]
    [TestCase("GET /api/", TestName = "IncompleteOtherPathIsNotOurs")]
    [TestCase("GET /engine.io/?EIO=4", TestName = "IncompleteEngineIOPathIsNotOurs")]
    [TestCase("GET /socket.ix", TestName = "IncompleteMisspelledPathIsNotOurs")]
    [TestCase("GET  /socket.io/", TestName = "IncompleteDoubleSpaceIsNotOurs")]
    [TestCase("\r\nGET /socket.io/?EIO=4", TestName = "IncompleteLeadingEmptyLineIsNotOurs")]
    public void FirstBytesThatCannotMatchAreNotOursBeforeTheHeadIsWhole(string start)
    {
        Assert.That(Scan(start, out _), Is.EqualTo(RequestHeadScan.NotOurs));
    }

    [TestCase("G")]
    [TestCase("GET ")]
    [TestCase("GET /socket.io")]
    [TestCase("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\n")]
    public void FirstBytesThatCouldStillMatchAreIncomplete(string start)
    {
        Assert.That(Scan(start, out _), Is.EqualTo(RequestHeadScan.Incomplete));
    }

    private static RequestHeadScan Scan(string text, out WebSocketRequestHead? head) =>
        WebSocketRequestHead.TryParse(Sequence(Encoding.ASCII.GetBytes(text)), EnginePath, out head);

    /// <summary>The handshake with <paramref name="extraHeaders"/> (each ending in CRLF) before its blank line.</summary>
    private static string HandshakeWith(string extraHeaders) => "GET " + Target + " HTTP/1.1\r\n" + Headers + extraHeaders + "\r\n";

    private static ReadOnlySequence<byte> Sequence(byte[] bytes) => new(bytes);

    /// <summary>A sequence of <paramref name="segmentSize"/>-byte segments, as a socket read in pieces returns.</summary>
    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentSize)
    {
        Segment first = new(bytes.AsMemory(0, Math.Min(segmentSize, bytes.Length)), 0);
        Segment last = first;
        for (int offset = segmentSize; offset < bytes.Length; offset += segmentSize)
        {
            last = last.Append(bytes.AsMemory(offset, Math.Min(segmentSize, bytes.Length - offset)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
