using System.Diagnostics;
using CsCheck;
using Fatechat.Protocol.EngineIO;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Fuzz;

/// <summary>
/// Fuzzes a live server (the conformance host on real Kestrel) over WebSocket and polling: frames cut across TCP
/// writes and fragmented, mutated packets and bodies, several hostile clients at once. Throughout, a well-behaved
/// client on the same server keeps getting its echoes; every fuzzed connection is served and then closed by the
/// server (none hangs); nothing is logged at Error level; and at the end no fuzzed session is left and the heap is
/// back near where it started.
/// </summary>
[Category("Fuzz")]
public sealed class LiveFuzzTests : ConformanceHostFixture
{
    private const int Workers = 4;
    private const long MaxHeapGrowthBytes = 64L * 1024 * 1024;

    /// <summary>What one hostile client does, drawn from the generators.</summary>
    private abstract record Attack;

    private sealed record WebSocketAttack(byte[] Bytes, double[] Cuts) : Attack;

    private sealed record PollingAttack(int Protocol, byte[] Body, bool BinaryBody) : Attack;

    private static readonly Gen<byte[]> ConnectThenMessages = Gen.Select(
        Gen.Bool, WebSocketInputs.WellFormed,
        (connect, stream) => connect ? [.. ClientFrame.Of(ClientFrame.Text, "40"u8.ToArray()).ToBytes(), .. stream.Bytes] : stream.Bytes);

    private static readonly Gen<Attack> WebSocket = Gen.Select(
        Gen.Frequency((1, ConnectThenMessages), (1, WebSocketInputs.Hostile)), WebSocketInputs.Cuts,
        (bytes, cuts) => (Attack)new WebSocketAttack(bytes, cuts));

    private static readonly Gen<Attack> Polling = Gen.Frequency(
        (3, PollingInputs.V4.Select(b => (Attack)new PollingAttack(4, b, false))),
        (1, PollingInputs.V3Text.Select(b => (Attack)new PollingAttack(3, b, false))),
        (1, PollingInputs.V3Binary.Select(b => (Attack)new PollingAttack(3, b, true))));

    [OneTimeSetUp]
    public void AllowEngineIOv3() => Io.Engine.Options.AllowEIO3 = true;

    [SetUp]
    public void ForgetEarlierLogs() => Logs.Clear();

    [Test]
    public Task WebSocketFuzzClosesOnlyTheFuzzedConnections() => FuzzAsync(nameof(WebSocketFuzzClosesOnlyTheFuzzedConnections), WebSocket, 0.3);

    [Test]
    public Task PollingFuzzClosesOnlyTheFuzzedSessions() => FuzzAsync(nameof(PollingFuzzClosesOnlyTheFuzzedSessions), Polling, 0.25);

    /// <summary>Sends one attack to the live server; the session id it got, if any.</summary>
    private Task<string?> SendAsync(Attack attack) => attack switch
    {
        WebSocketAttack ws => FuzzedConnection.WebSocketAsync(BaseUri, SocketIOPath, WebSocketInputs.Split(ws.Bytes, ws.Cuts)),
        PollingAttack polling => PollingSidAsync(polling),
        _ => throw new ArgumentOutOfRangeException(nameof(attack)),
    };

    private async Task<string?> PollingSidAsync(PollingAttack attack) =>
        await FuzzedConnection.PollingAsync(Http, BaseUri, SocketIOPath, attack.Protocol, attack.Body, attack.BinaryBody);

    private async Task FuzzAsync(string test, Gen<Attack> gen, double share)
    {
        int seconds = FuzzBudget.Seconds(share);
        FuzzBudget.Announce(test, seconds);
        var (control, _) = await ConnectSocketIOAsync();
        await using var controlScope = control;
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var seeds = new PCG(11, FuzzBudget.SeedFor(test));
        var sids = new System.Collections.Concurrent.ConcurrentBag<string>();
        var stop = Stopwatch.StartNew();
        int sent = 0;

        async Task WorkAsync()
        {
            while (stop.Elapsed.TotalSeconds < seconds)
            {
                ulong seed;
                lock (seeds)
                {
                    seed = seeds.Next64();
                }

                var attack = gen.Generate(new PCG(11, seed), null!, out _);
                try
                {
                    if (await SendAsync(attack) is { } sid)
                    {
                        sids.Add(sid);
                    }
                }
                catch (Exception failure) when (failure is not AssertionException)
                {
                    Assert.Fail($"{test}: input seed {seed}, run {FuzzBudget.SeedVariable}={FuzzBudget.Seed}: {Describe(attack)}\n{failure}");
                }
                catch (AssertionException failure)
                {
                    Assert.Fail($"{test}: input seed {seed}, run {FuzzBudget.SeedVariable}={FuzzBudget.Seed}: {Describe(attack)}\n{failure.Message}");
                }

                Interlocked.Increment(ref sent);
            }
        }

        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(WorkAsync)).ToArray();
        int echoes = 0;
        while (!workers.All(w => w.IsCompleted))
        {
            await AssertEchoAnsweredAsync(control, $"during {echoes++}");
            await Task.WhenAny(Task.WhenAll(workers), Task.Delay(200));
        }

        await Task.WhenAll(workers).WithTimeout(FuzzedConnection.CloseBound * 2);
        await AssertEchoAnsweredAsync(control, "after");
        var (fresh, _) = await ConnectSocketIOAsync();
        await using (fresh)
        {
            await AssertEchoAnsweredAsync(fresh, "fresh");
        }

        await AsyncTimeout.UntilAsync(() => sids.All(sid => !Io.Engine.TryGet(sid, out EngineConnection _)), "every fuzzed session is gone", FuzzedConnection.CloseBound);
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        TestContext.Progress.WriteLine($"fuzz {test}: {sent} connections ({sids.Count} sessions), {echoes} control echoes, heap {heapBefore / 1024} KB -> {heapAfter / 1024} KB");
        Assert.That(sent, Is.GreaterThan(0));
        Assert.That(Logs.Errors, Is.Empty, "client input is never logged as an error");
        Assert.That(heapAfter - heapBefore, Is.LessThan(MaxHeapGrowthBytes), "the heap returns once the fuzzed sessions are gone");
    }

    private static string Describe(Attack attack) => attack switch
    {
        WebSocketAttack ws => $"websocket, cuts [{string.Join(",", ws.Cuts)}]: {FuzzRunner.Hex(ws.Bytes)}",
        PollingAttack polling => $"polling v{polling.Protocol}{(polling.BinaryBody ? " octet-stream" : "")}: {FuzzRunner.Hex(polling.Body)}",
        _ => attack.ToString(),
    };
}
