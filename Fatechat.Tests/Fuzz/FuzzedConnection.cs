using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Fuzz;

/// <summary>
/// One hostile client of a live server: a raw TCP WebSocket whose bytes after the handshake are the fuzzer's, cut
/// into separate TCP writes, or a polling session whose POST body is. It never answers pings, so a session the
/// fuzzed bytes leave open still ends by heartbeat: whichever way, the server must close it within a bound.
/// </summary>
internal static class FuzzedConnection
{
    /// <summary>Heartbeat (300 + 200 ms), the close grace period (1 s) and a loaded machine's delays, with room to spare.</summary>
    public static readonly TimeSpan CloseBound = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Opens a WebSocket on <paramref name="path"/>, sends <paramref name="chunks"/> as separate writes and then a close
    /// frame, and reads until the server ends the connection. Returns the session id, or null when the server refused
    /// the handshake; fails when the server keeps the connection past <see cref="CloseBound"/>.
    /// </summary>
    public static async Task<string?> WebSocketAsync(Uri baseUri, string path, IEnumerable<byte[]> chunks)
    {
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(baseUri.Host, baseUri.Port).WithTimeout();
        var stream = tcp.GetStream();
        string head = $"GET {path}?EIO=4&transport=websocket HTTP/1.1\r\nHost: {baseUri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head)).AsTask().WithTimeout();
        using var deadline = new CancellationTokenSource(CloseBound);
        var reading = ReadToEndAsync(stream, deadline.Token);
        string? sid = await reading.Open.Task.WaitAsync(deadline.Token);
        if (sid is null)
        {
            Assert.That(reading.Closed.IsCompleted, "a handshake the server refused leaves nothing to fuzz");
            return null;
        }

        try
        {
            foreach (byte[] chunk in chunks)
            {
                await stream.WriteAsync(chunk, deadline.Token);
            }

            await stream.WriteAsync(ClientFrame.Of(ClientFrame.Close, [3, 232]).ToBytes(), deadline.Token);
        }
        catch (IOException)
        {
            // The server closed while the rest was on its way: that close is what the fuzzer looks for.
        }

        Assert.That(await reading.Closed.WaitAsync(CloseBound), Is.True, $"the server kept a fuzzed WebSocket open past {CloseBound}");
        return sid;
    }

    /// <summary>
    /// Opens a polling session (v4, or v3 when <paramref name="protocol"/> is 3), joins the main namespace, POSTs
    /// <paramref name="body"/> and polls once. Returns the session id; fails on an answer outside the protocol's.
    /// </summary>
    public static async Task<string> PollingAsync(HttpClient http, Uri baseUri, string path, int protocol, byte[] body, bool binaryBody)
    {
        string query = $"EIO={protocol}&transport=polling";
        using var open = await http.GetAsync(new Uri(baseUri, $"{path}?{query}")).WithTimeout(CloseBound);
        string openBody = await open.Content.ReadAsStringAsync();
        Assert.That(open.StatusCode, Is.EqualTo(HttpStatusCode.OK), openBody);
        string json = openBody[openBody.IndexOf('{')..(openBody.LastIndexOf('}') + 1)];
        using var document = JsonDocument.Parse(json);
        string sid = document.RootElement.GetProperty("sid").GetString()!;
        var session = new Uri(baseUri, $"{path}?{query}&sid={Uri.EscapeDataString(sid)}");
        if (protocol == 4)
        {
            await PostAsync(http, session, "40"u8.ToArray(), binaryBody: false);
        }

        var (status, answer) = await PostAsync(http, session, body, binaryBody);
        Assert.That(status, Is.AnyOf(HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge), answer);
        if (status == HttpStatusCode.BadRequest)
        {
            using var error = JsonDocument.Parse(answer);
            Assert.That(error.RootElement.TryGetProperty("code", out _), answer);
        }

        using var poll = await http.GetAsync(session).WithTimeout(CloseBound);
        Assert.That(poll.StatusCode, Is.AnyOf(HttpStatusCode.OK, HttpStatusCode.BadRequest));
        return sid;
    }

    private static async Task<(HttpStatusCode, string)> PostAsync(HttpClient http, Uri session, byte[] body, bool binaryBody)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = binaryBody ? new MediaTypeHeaderValue("application/octet-stream") : new MediaTypeHeaderValue("text/plain") { CharSet = "UTF-8" };
        using var response = await http.PostAsync(session, content).WithTimeout(CloseBound);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private sealed record Reading(TaskCompletionSource<string?> Open, Task<bool> Closed);

    /// <summary>Reads the 101 and the open packet (for the sid), then everything until the end of the connection.</summary>
    private static Reading ReadToEndAsync(NetworkStream stream, CancellationToken cancellation)
    {
        var open = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        return new Reading(open, Run());

        async Task<bool> Run()
        {
            var received = new List<byte>();
            var buffer = new byte[8192];
            try
            {
                while (true)
                {
                    int read = await stream.ReadAsync(buffer, cancellation);
                    if (read == 0)
                    {
                        open.TrySetResult(null);
                        return true;
                    }

                    if (!open.Task.IsCompleted)
                    {
                        received.AddRange(buffer.AsSpan(0, read).ToArray());
                        if (TryReadSid(received, out string? sid))
                        {
                            open.TrySetResult(sid);
                        }
                    }
                }
            }
            catch (IOException)
            {
                open.TrySetResult(null);
                return true; // reset by the server: closed too
            }
            catch (OperationCanceledException)
            {
                open.TrySetResult(null);
                return false;
            }
        }
    }

    /// <summary>The sid of the open packet, once the 101 and the first frame (<c>0{"sid":…}</c>, unmasked) have arrived.</summary>
    private static bool TryReadSid(List<byte> received, out string? sid)
    {
        sid = null;
        byte[] bytes = received.ToArray();
        int end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return false;
        }

        if (!Encoding.ASCII.GetString(bytes, 0, end).StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            return true; // refused: no session
        }

        var frame = bytes.AsSpan(end + 4);
        if (frame.Length < 2)
        {
            return false;
        }

        int length = frame[1] & 0x7F;
        int offset = 2;
        if (length == 126)
        {
            if (frame.Length < 4)
            {
                return false;
            }

            length = (frame[2] << 8) | frame[3];
            offset = 4;
        }

        if (frame.Length < offset + length)
        {
            return false;
        }

        string text = Encoding.UTF8.GetString(frame.Slice(offset, length));
        using var document = JsonDocument.Parse(text[1..]);
        sid = document.RootElement.GetProperty("sid").GetString();
        return true;
    }
}
