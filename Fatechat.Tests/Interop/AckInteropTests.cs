using Fatechat.Tests.Support;
using System.Diagnostics;
using System.Text.Json;
using Fatechat.Protocol.SocketIO;

namespace Fatechat.Tests.Interop;

/// <summary>Acknowledgements with the npm socket.io-client: the client's callbacks answered by the server, and the server's EmitWithAckAsync answered (or not) by the client.</summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class AckInteropTests(EntryPath entryPath)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan ServerWait = TimeSpan.FromSeconds(20);

    private sealed record AddRequest(int A, int B);

    [Test]
    public async Task ClientEmitWithAckReceivesServerAckArguments()
    {
        await using var server = await InteropServer.StartAsync(entryPath, io => io.OnConnection(socket =>
        {
            socket.On<AddRequest>("add", (request, ack) => ack?.Send(new { sum = request!.A + request.B }));
            socket.On("many", (args, ack) => ack?.Send(args[0].GetString() + "!", args[1].GetInt32() + 1, new { nested = true }));
        }));

        var result = await NodeScript.RunAsync(ScriptTimeout, "acks.mjs", server.Url, "client-to-server");

        Assert.Multiple(() =>
        {
            Assert.That(result.GetProperty("sum").GetProperty("sum").GetInt32(), Is.EqualTo(5));
            var many = result.GetProperty("many");
            Assert.That(many.GetArrayLength(), Is.EqualTo(3), many.ToString());
            Assert.That(many[0].GetString(), Is.EqualTo("x!"));
            Assert.That(many[1].GetInt32(), Is.EqualTo(8));
            Assert.That(many[2].GetProperty("nested").GetBoolean(), Is.True);
        });
        server.AssertNoErrorsLogged();
    }

    [Test]
    public async Task ServerEmitWithAckResolvesWithClientCallbackArguments()
    {
        var answered = new TaskCompletionSource<SocketIOArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await InteropServer.StartAsync(entryPath, io => io.OnConnection(socket =>
            socket.On("ready", async (_, _) =>
            {
                var answer = await socket.EmitWithAckAsync("question", ServerWait, new { n = 21 });
                answered.TrySetResult(answer);
                socket.Emit("verdict", new { doubled = answer[0].GetProperty("doubled").GetInt32(), second = answer[1].GetString(), count = answer.Count });
            })));

        var result = await NodeScript.RunAsync(ScriptTimeout, "acks.mjs", server.Url, "server-to-client");
        var answer = await answered.Task.WaitAsync(ServerWait);

        Assert.Multiple(() =>
        {
            Assert.That(answer.Count, Is.EqualTo(3), answer.ToString());
            Assert.That(answer[0].GetProperty("doubled").GetInt32(), Is.EqualTo(42));
            Assert.That(answer[1].GetString(), Is.EqualTo("second"));
            Assert.That(answer.GetBytes(2), Is.EqualTo(new byte[] { 0xca, 0xfe }), "a Buffer in the client's ack (BINARY_ACK)");
            Assert.That(result.GetProperty("questions")[0].GetProperty("n").GetInt32(), Is.EqualTo(21), "what the client was asked");
            Assert.That(result.GetProperty("verdict").GetProperty("doubled").GetInt32(), Is.EqualTo(42));
        });
        server.AssertNoErrorsLogged();
    }

    [Test]
    public async Task ServerEmitWithAckTimesOutWhenClientDoesNotAnswer()
    {
        var ackTimeout = TimeSpan.FromMilliseconds(300);
        var outcome = new TaskCompletionSource<(Exception? Error, TimeSpan Elapsed)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await InteropServer.StartAsync(entryPath, io => io.OnConnection(socket =>
            socket.On("ready", async (_, _) =>
            {
                var clock = Stopwatch.StartNew();
                Exception? error = null;
                try
                {
                    await socket.EmitWithAckAsync("silent", ackTimeout, new { n = 1 });
                }
                catch (Exception e)
                {
                    error = e;
                }

                outcome.TrySetResult((error, clock.Elapsed));
                socket.Emit("verdict", new { timedOut = error is TimeoutException, elapsedMs = clock.ElapsedMilliseconds });
            })));

        var result = await NodeScript.RunAsync(ScriptTimeout, "acks.mjs", server.Url, "server-unanswered");
        var (error, elapsed) = await outcome.Task.WaitAsync(ServerWait);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.InstanceOf<TimeoutException>());
            Assert.That(elapsed, Is.GreaterThanOrEqualTo(ackTimeout - TimeSpan.FromMilliseconds(20)).And.LessThan(TimeSpan.FromSeconds(5)));
            Assert.That(result.GetProperty("questions")[0].GetProperty("n").GetInt32(), Is.EqualTo(1), "the client did receive the event");
            Assert.That(result.GetProperty("verdict").GetProperty("timedOut").GetBoolean(), Is.True);
        });
        server.AssertNoErrorsLogged();
    }

    [Test]
    public async Task ServerEmitWithAckFailsWithDisconnectedWhenClientLeavesInsteadOfAnswering()
    {
        var outcome = new TaskCompletionSource<(Exception? Error, TimeSpan Elapsed)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await InteropServer.StartAsync(entryPath, io => io.OnConnection(socket =>
            socket.On("ready", async (_, _) =>
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    await socket.EmitWithAckAsync("leaving", TimeSpan.FromSeconds(15), new { n = 3 });
                    outcome.TrySetResult((null, clock.Elapsed));
                }
                catch (Exception e)
                {
                    outcome.TrySetResult((e, clock.Elapsed));
                }
            })));

        var result = await NodeScript.RunAsync(ScriptTimeout, "acks.mjs", server.Url, "client-leaves");
        var (error, elapsed) = await outcome.Task.WaitAsync(ServerWait);

        Assert.Multiple(() =>
        {
            Assert.That(result.GetProperty("questions")[0].GetProperty("n").GetInt32(), Is.EqualTo(3));
            Assert.That(error, Is.InstanceOf<SocketIODisconnectedException>(), "the pending ack fails when the socket goes, not at its timeout");
            Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        });
        server.AssertNoErrorsLogged();
    }
}
