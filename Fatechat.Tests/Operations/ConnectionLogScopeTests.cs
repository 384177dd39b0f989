using Fatechat.Tests.Interop;
using Fatechat.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Fatechat.Tests.Operations;

/// <summary>
/// What the real server logs about connections, captured at Debug while the real socket.io-client runs the "room"
/// chat scenario (two users, polling with an upgrade and WebSocket, refused sends and joins): every line about a
/// session carries its <c>sid</c>, every line about a chat socket also its <c>socketId</c> and <c>user</c>, and a
/// line about a room event its <c>room</c> — from the message's own values or from the scopes around it.
/// </summary>
[TestFixture]
public sealed class ConnectionLogScopeTests
{
    private const int SessionOpened = 1002;
    private const int SessionClosed = 1003;
    private const int SocketConnected = 3201;
    private const int SocketDisconnected = 3202;
    private const int EventRefused = 3203;

    [Test]
    public async Task LinesAboutAConnectionCarryItsSidSocketIdUserAndRoom()
    {
        var logs = new CapturedLogs(LogLevel.Debug);
        await using (var server = await FatechatTestServer.StartAsync(b => b.Logging.AddProvider(logs), "--Logging:LogLevel:Fatechat=Debug"))
        {
            var result = await NodeScript.RunAsync(TimeSpan.FromSeconds(60), "../../Realtime/node/chat-scenarios.mjs", server.BaseAddress.ToString().TrimEnd('/'), "room");
            var alice = result.GetProperty("alice").GetString()!;
            var bob = result.GetProperty("bob").GetString()!;
            await AsyncTimeout.UntilAsync(() => Count(logs, SocketDisconnected) >= 2, "both sockets' disconnects are logged", TimeSpan.FromSeconds(20));
            await AsyncTimeout.UntilAsync(() => Count(logs, SessionClosed) >= 2, "both sessions' closes are logged", TimeSpan.FromSeconds(20));

            var opened = Lines(logs, SessionOpened);
            var sids = opened.Select(e => (string)e.Value("Sid")!).ToHashSet();
            var connected = Lines(logs, SocketConnected);
            var refused = Lines(logs, EventRefused);
            Assert.Multiple(() =>
            {
                Assert.That(opened, Has.Count.GreaterThanOrEqualTo(2), "one open line per session");
                Assert.That(opened.Select(e => e.Value("Transport")), Does.Contain("polling").And.Contain("websocket"));
                Assert.That(Lines(logs, SessionClosed).Where(e => sids.Contains((string)e.Value("Sid")!)).Select(e => e.Value("Reason")),
                    Has.Some.EqualTo("transport close"), "a close line names the session and the reason");

                Assert.That(connected.Select(e => e.Value("user")), Is.SupersetOf(new[] { alice, bob }), "the socket's user is in scope");
                foreach (var entry in connected.Concat(Lines(logs, SocketDisconnected)))
                {
                    Assert.That(sids, Does.Contain(entry.Value("sid")), $"sid in scope: {entry.Message}");
                    Assert.That(entry.Value("socketId"), Is.EqualTo(entry.Value("SocketId")), $"socketId in scope: {entry.Message}");
                    Assert.That(entry.Value("user"), Is.EqualTo(entry.Value("User")), $"user in scope: {entry.Message}");
                }

                Assert.That(refused, Is.Not.Empty, "the scenario's refusals are logged at Debug");
                foreach (var entry in refused)
                {
                    Assert.That(sids, Does.Contain(entry.Value("sid")), $"sid in scope: {entry.Message}");
                    Assert.That(entry.Value("socketId"), Is.Not.Null, $"socketId in scope: {entry.Message}");
                    Assert.That(entry.Value("user"), Is.EqualTo(alice).Or.EqualTo(bob), $"user in scope: {entry.Message}");
                }

                Assert.That(refused.Where(e => (string?)e.Value("room") is { } room && room.StartsWith("missing-") && e.Message.Contains(room)), Is.Not.Empty,
                    "the join of an unknown room names that room in scope");
                Assert.That(refused.Where(e => (string?)e.Value("room") is { } room && room.StartsWith("elsewhere-")), Is.Not.Empty,
                    "a send to a room not joined names that room in scope");
            });
        }
    }

    private static List<CapturedLogs.Entry> Lines(CapturedLogs logs, int eventId) =>
        logs.Entries.Where(e => e.EventId.Id == eventId).ToList();

    private static int Count(CapturedLogs logs, int eventId) => logs.Entries.Count(e => e.EventId.Id == eventId);
}
