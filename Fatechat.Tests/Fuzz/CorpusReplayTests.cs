using System.Net.Sockets;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Fuzz;

/// <summary>
/// Replays every kept input (<see cref="FuzzCorpus"/>) through its decoder in process and against the live server,
/// with the fuzz tests' properties: no exception, the fuzzed connection closed or served within a bound, a
/// well-behaved client on the same server still echoed, nothing logged at Error level.
/// </summary>
[Category("Fuzz")]
public sealed class CorpusReplayTests : ConformanceHostFixture
{
    private static IEnumerable<TestCaseData> Entries() =>
        FuzzCorpus.All().Select(entry => new TestCaseData(entry.ToString()).SetName($"Replays {entry}"));

    [OneTimeSetUp]
    public void AllowEngineIOv3() => Io.Engine.Options.AllowEIO3 = true;

    [SetUp]
    public void ForgetEarlierLogs() => Logs.Clear();

    [Test]
    public void CorpusIsThere() => Assert.That(FuzzCorpus.All().Count(), Is.GreaterThanOrEqualTo(40), FuzzCorpus.Folder);

    [TestCaseSource(nameof(Entries))]
    public async Task ReplayHoldsInProcessAndLive(string name)
    {
        var entry = FuzzCorpus.All().Single(e => e.ToString() == name);
        var (control, _) = await ConnectSocketIOAsync();
        await using var _ = control;

        CheckInProcess(entry);
        await SendLiveAsync(entry);

        await AssertEchoAnsweredAsync(control, entry.Name);
        Assert.That(Logs.Errors, Is.Empty, "client input is never logged as an error");
    }

    private static void CheckInProcess(FuzzCorpus.Entry entry)
    {
        switch (entry.Kind)
        {
            case "engine":
                DecoderChecks.EnginePacket(entry.Bytes);
                break;
            case "socketio":
                DecoderChecks.SocketIOPacket(entry.Bytes);
                break;
            case "messages":
                foreach (var message in FuzzCorpus.Messages(entry.Bytes).Where(m => !m.IsBinary))
                {
                    DecoderChecks.EnginePacket(message.Data);
                    DecoderChecks.SocketIOPacket(message.Data[1..]);
                }

                break;
            case "polling-v4":
                DecoderChecks.PollingV4(entry.Bytes);
                break;
            case "polling-v3" or "polling-v3-binary":
                DecoderChecks.PollingV3(entry.Bytes);
                break;
            case "websocket":
                var whole = WebSocketReaderChecks.Read([entry.Bytes], 1_000_000, 4096);
                var bytewise = WebSocketReaderChecks.Read(entry.Bytes.Select(b => new[] { b }), 1_000_000, 1);
                Assert.That(bytewise, Is.EqualTo(whole).Using<ReaderOutcome>((a, b) => a.End == b.End && a.Messages.SequenceEqual(b.Messages)),
                    "one byte per read gives what one read gives");
                break;
            case "request-head":
                for (int cut = 0; cut <= entry.Bytes.Length; cut++)
                {
                    DecoderChecks.RequestHead(entry.Bytes, cut);
                }

                break;
            default:
                Assert.Fail($"unknown corpus folder {entry.Kind}");
                break;
        }
    }

    private async Task SendLiveAsync(FuzzCorpus.Entry entry)
    {
        switch (entry.Kind)
        {
            case "engine":
                await SendFramesAsync([new WireMessage(!System.Text.Unicode.Utf8.IsValid(entry.Bytes), entry.Bytes)]);
                break;
            case "socketio":
                await SendFramesAsync([new WireMessage(false, "40"u8.ToArray()), new WireMessage(false, [(byte)'4', .. entry.Bytes])]);
                break;
            case "messages":
                await SendFramesAsync(FuzzCorpus.Messages(entry.Bytes));
                break;
            case "polling-v4":
                await FuzzedConnection.PollingAsync(Http, BaseUri, SocketIOPath, 4, entry.Bytes, binaryBody: false);
                break;
            case "polling-v3" or "polling-v3-binary":
                await FuzzedConnection.PollingAsync(Http, BaseUri, SocketIOPath, 3, entry.Bytes, binaryBody: entry.Kind == "polling-v3-binary");
                break;
            case "websocket":
                // As it was kept, then one byte per TCP write.
                await FuzzedConnection.WebSocketAsync(BaseUri, SocketIOPath, [entry.Bytes]);
                await FuzzedConnection.WebSocketAsync(BaseUri, SocketIOPath, entry.Bytes.Select(b => new[] { b }));
                break;
            case "request-head":
                using (var tcp = new TcpClient { NoDelay = true })
                {
                    await tcp.ConnectAsync(BaseUri.Host, BaseUri.Port).WithTimeout();
                    var stream = tcp.GetStream();
                    await stream.WriteAsync(entry.Bytes).AsTask().WithTimeout();
                    tcp.Client.Shutdown(SocketShutdown.Send);
                    var buffer = new byte[4096];
                    using var deadline = new CancellationTokenSource(FuzzedConnection.CloseBound);
                    try
                    {
                        while (await stream.ReadAsync(buffer, deadline.Token) > 0)
                        {
                        }
                    }
                    catch (IOException)
                    {
                        // Reset by the server: closed.
                    }
                }

                break;
        }
    }

    private Task SendFramesAsync(IEnumerable<WireMessage> messages) =>
        FuzzedConnection.WebSocketAsync(BaseUri, SocketIOPath, messages.Select(m => ClientFrame.Of(m.IsBinary ? ClientFrame.Binary : ClientFrame.Text, m.Data).ToBytes()));
}
