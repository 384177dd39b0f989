using Fatechat.Tests.Support;
using System.Text;
using System.Text.Json;
using Fatechat.Protocol.SocketIO;

namespace Fatechat.Tests.Interop;

/// <summary>
/// Binary with the npm socket.io-client, over each transport: Buffers at the top level and nested in objects and
/// arrays, from the client (echoed as an event and as an ack) and from the server.
/// </summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class BinaryInteropTests(EntryPath entryPath)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(40);

    private static readonly byte[] Top = [0, 1, 2, 3, 254, 255];
    private static readonly byte[] NestedFile = Encoding.UTF8.GetBytes("h\u00e9llo\0binary");
    private static readonly byte[] Big = Enumerable.Range(0, 65_536).Select(i => (byte)(i * 7 % 256)).ToArray();

    private static readonly byte[] ServerTop = [9, 8, 7, 0, 255];
    private static readonly byte[] ServerData = Encoding.UTF8.GetBytes("from the server \u2713");
    private static readonly byte[][] ServerList = [[0], [1, 2, 3]];

    private sealed record Upload(string Name, byte[] File, byte[][] Parts, byte[] Big);

    [TestCase("websocket", "v4")]
    [TestCase("polling", "v4")]
    [TestCase("websocket", "v3")]
    [TestCase("polling", "v3")]
    [TestCase("websocket", "v2")]
    [TestCase("polling", "v2")]
    public async Task BinaryTravelsBothWaysTopLevelAndNested(string transport, string client)
    {
        var uploads = new TaskCompletionSource<(byte[]? Top, Upload? Nested)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await InteropServer.StartAsync(entryPath, io => io.OnConnection(socket =>
        {
            socket.On("upload", (args, ack) =>
            {
                uploads.TrySetResult((args.GetBytes(0), args.Get<Upload>(1)));
                socket.Emit("upload-back", args);
                ack?.Send(args);
            });
            socket.On("send-binary", (_, _) =>
                socket.Emit("from-server", ServerTop, new { label = "nested", data = ServerData, list = ServerList }));
        }), o => o.Engine.AllowEIO3 = true);

        var result = await NodeScript.RunAsync(ScriptTimeout, "binary.mjs", server.Url, transport, client);
        var (top, nested) = await uploads.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Multiple(() =>
        {
            Assert.That(result.GetProperty("transport").GetString(), Is.EqualTo(transport));

            Assert.That(top, Is.EqualTo(Top), "top-level Buffer as the server read it");
            Assert.That(nested, Is.Not.Null);
            Assert.That(nested!.Name, Is.EqualTo("nested"));
            Assert.That(nested.File, Is.EqualTo(NestedFile));
            Assert.That(nested.Parts, Is.EqualTo(new byte[][] { [1], [2, 2] }));
            Assert.That(nested.Big, Is.EqualTo(Big));

            AssertEcho(result.GetProperty("echo"), "echoed event");
            Assert.That(result.GetProperty("echoBigMatches").GetBoolean(), Is.True, "64 KiB Buffer echoed intact");
            AssertEcho(result.GetProperty("ack"), "ack");
            Assert.That(result.GetProperty("ackBigMatches").GetBoolean(), Is.True, "64 KiB Buffer acked intact");

            var fromServer = result.GetProperty("fromServer");
            Assert.That(Hex(fromServer[0]), Is.EqualTo(Convert.ToHexStringLower(ServerTop)));
            Assert.That(fromServer[1].GetProperty("label").GetString(), Is.EqualTo("nested"));
            Assert.That(Hex(fromServer[1].GetProperty("data")), Is.EqualTo(Convert.ToHexStringLower(ServerData)));
            Assert.That(fromServer[1].GetProperty("list").EnumerateArray().Select(Hex), Is.EqualTo(ServerList.Select(Convert.ToHexStringLower)));
        });
        server.AssertNoErrorsLogged();
    }

    private static void AssertEcho(JsonElement echo, string what)
    {
        Assert.That(Hex(echo[0]), Is.EqualTo(Convert.ToHexStringLower(Top)), $"{what}: top-level Buffer");
        Assert.That(echo[1].GetProperty("name").GetString(), Is.EqualTo("nested"), what);
        Assert.That(Hex(echo[1].GetProperty("file")), Is.EqualTo(Convert.ToHexStringLower(NestedFile)), $"{what}: nested Buffer");
        Assert.That(echo[1].GetProperty("parts").EnumerateArray().Select(Hex), Is.EqualTo(new[] { "01", "0202" }), $"{what}: Buffers in an array");
    }

    /// <summary>The hex of a Buffer as binary.mjs reports it; a value that arrived as anything but a Buffer reads as its JSON.</summary>
    private static string Hex(JsonElement described) =>
        described.ValueKind == JsonValueKind.Object && described.TryGetProperty("hex", out var hex) ? hex.GetString()! : "not a Buffer: " + described;
}
