using Fatechat.Tests.Support;
using System.Collections.Concurrent;

namespace Fatechat.Tests.Interop;

/// <summary>
/// Text that stresses UTF-8 and JSON escaping (astral characters, U+2028, the polling record separator, NUL,
/// HTML characters) travels from the npm socket.io-client to the server and back unchanged, over each transport.
/// </summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class TextInteropTests(EntryPath entryPath)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(40);

    [TestCase("websocket")]
    [TestCase("polling")]
    public async Task UnicodeAndEscapedTextSurvivesTheRoundTrip(string transport)
    {
        var received = new ConcurrentQueue<string[]>();
        await using var server = await InteropServer.StartAsync(entryPath, io => io.OnConnection(socket =>
            socket.On<string[]>("text", (texts, ack) =>
            {
                received.Enqueue(texts!);
                // Cast: a string[] would otherwise spread into the params array as seven arguments.
                socket.Emit("text-back", (object?)texts);
                ack?.Send((object?)texts);
            })));

        var result = await NodeScript.RunAsync(ScriptTimeout, "text.mjs", server.Url, transport);

        var sent = result.GetProperty("sent").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(received.Single(), Is.EqualTo(sent), "as the server bound them");
            Assert.That(received.Single()[2], Does.Contain("\U0001F30D"), "an astral character arrived as one code point");
            Assert.That(received.Single()[4], Does.Contain("\0"), "NUL arrived");
            Assert.That(result.GetProperty("acked").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(sent), "ack");
            Assert.That(result.GetProperty("event").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(sent), "event");
        });
        server.AssertNoErrorsLogged();
    }
}
