using Fatechat.Tests.Support;
using System.Text.Json;

namespace Fatechat.Tests.Interop;

/// <summary>
/// A room broadcast reaching 200 npm socket.io-client sockets spread over two node processes, plus sockets in
/// another room that must get nothing: <c>socket.To(room)</c> leaves the sender out, <c>io.To(room)</c> does not.
/// </summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class BroadcastInteropTests(EntryPath entryPath)
{
    private const string Room = "lobby";
    private const int Processes = 2;
    private const int MembersPerProcess = 100;
    private const int OutsidersPerProcess = 5;
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(90);

    [Test]
    public async Task RoomBroadcastReaches200ClientsExactlyOnceAndSocketToLeavesSenderOut()
    {
        int joined = 0;
        const int receivers = Processes * (MembersPerProcess + OutsidersPerProcess);
        var receiversJoined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await InteropServer.StartAsync(entryPath, io => io.OnConnection(socket =>
        {
            socket.On<string>("join", (room, ack) =>
            {
                socket.Join(room!);
                ack?.Send(room);
                if (Interlocked.Increment(ref joined) == receivers)
                {
                    receiversJoined.TrySetResult();
                }
            });
            socket.On<JsonElement>("shout", (message, ack) =>
                ack?.Send(socket.To(message.GetProperty("room").GetString()!).Emit("news", new { text = message.GetProperty("text").GetString(), from = socket.Id })));
            socket.On<string>("announce", (room, ack) => ack?.Send(io.To(room!).Emit("announce", new { text = "to everyone in " + room })));
        }));

        var processes = new List<NodeScript>();
        try
        {
            for (int i = 0; i < Processes; i++)
            {
                processes.Add(await NodeScript.StartAsync("broadcast-receivers.mjs", server.Url, MembersPerProcess.ToString(), Room, OutsidersPerProcess.ToString()));
            }

            await receiversJoined.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var sender = await NodeScript.RunAsync(ScriptTimeout, "broadcast-sender.mjs", server.Url, Room);
            var results = await Task.WhenAll(processes.Select(p => p.ResultAsync(ScriptTimeout)));

            const int members = Processes * MembersPerProcess;
            Assert.Multiple(() =>
            {
                Assert.That(sender.GetProperty("newsRecipients").GetInt32(), Is.EqualTo(members), "socket.To(room) queued to every member but the sender");
                Assert.That(sender.GetProperty("announceRecipients").GetInt32(), Is.EqualTo(members + 1), "io.To(room) queued to every member and the sender");
                Assert.That(sender.GetProperty("own").GetProperty("news").GetInt32(), Is.Zero, "the sender is left out of socket.To(room)");
                Assert.That(sender.GetProperty("own").GetProperty("announce").GetInt32(), Is.EqualTo(1));

                foreach (var result in results)
                {
                    Assert.That(result.GetProperty("members").GetInt32(), Is.EqualTo(MembersPerProcess));
                    Assert.That(Histogram(result.GetProperty("newsPerMember")), Is.EqualTo(new Dictionary<string, int> { ["1"] = MembersPerProcess }), "news per member: exactly once each");
                    Assert.That(Histogram(result.GetProperty("announcePerMember")), Is.EqualTo(new Dictionary<string, int> { ["1"] = MembersPerProcess }), "announce per member: exactly once each");
                    Assert.That(result.GetProperty("outsiderEvents").GetInt32(), Is.Zero, "sockets in another room get nothing");
                    Assert.That(result.GetProperty("newsPayloads").GetArrayLength(), Is.EqualTo(1));
                    var news = JsonDocument.Parse(result.GetProperty("newsPayloads")[0].GetString()!).RootElement;
                    Assert.That(news.GetProperty("text").GetString(), Is.EqualTo("from the sender"));
                }
            });
        }
        finally
        {
            processes.ForEach(p => p.Dispose());
        }

        server.AssertNoErrorsLogged();
    }

    private static Dictionary<string, int> Histogram(JsonElement counts) =>
        counts.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
}
