using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Operations;

/// <summary>
/// The published server handles connections on its I/O threads (<c>Fatechat:Server:InlineIO</c>, on by default), as
/// Node's event loop does. Whatever takes long must leave those threads: a burst of logins — each a BCrypt hash of
/// tens of milliseconds — must not hold up a socket that happens to share a thread with them.
/// </summary>
[TestFixture]
public sealed class IOThreadTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>A socket waits this long at most for an answer while logins run (each hash alone takes ~50-100 ms here).</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromMilliseconds(250);

    [Test]
    public async Task ASocketKeepsGettingAnswersWhileLoginsHashPasswords()
    {
        // The socket asks every few milliseconds, faster than a person's 10 a second.
        await using var server = JsonLoggingServer.Start("iothreads", ("FATECHAT__RateLimits__SocketOtherEvents__PerSecond", "0"));
        var address = await server.AddressAsync(Deadline);
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = Deadline };
        var credentials = new { email = $"io-{Guid.NewGuid():N}@example.test", password = "a-password-long-enough" };
        var token = await TokenAsync(await http.PostAsJsonAsync("/api/register", credentials));

        await using var socket = await EngineWebSocketClient.ConnectAsync(
            new Uri($"{address.Replace("http", "ws")}/socket.io/?EIO=4&transport=websocket"), autoPong: true);
        Assert.That(await socket.ReceiveTextAsync(), Does.StartWith("0{"));
        await socket.SendAsync($"40{{\"token\":\"{token}\"}}");
        Assert.That(await socket.ReceiveTextAsync(), Does.StartWith("40{"));
        var quiet = await AnswerTimesAsync(socket, until: Task.Delay(500));

        // Each login on a connection of its own, so that they land on every I/O thread.
        var logins = Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            using var own = new HttpClient { BaseAddress = new Uri(address), Timeout = Deadline };
            return await TokenAsync(await own.PostAsJsonAsync("/api/login", credentials));
        }));
        var clock = Stopwatch.StartNew();
        var busy = await AnswerTimesAsync(socket, until: logins);
        var loginsTook = clock.Elapsed;
        Assert.That(await logins, Has.All.Not.Empty, "every login answered with a token");

        TestContext.Out.WriteLine($"16 logins took {loginsTook.TotalMilliseconds:F0} ms; socket answers while they ran: {busy.Count}, " +
            $"slowest {busy.Max().TotalMilliseconds:F1} ms (quiet: slowest {quiet.Max().TotalMilliseconds:F1} ms of {quiet.Count})");
        Assert.That(busy, Is.Not.Empty, "the socket was asked while the logins ran");
        Assert.That(busy.Max(), Is.LessThan(Bound), "no answer waited behind a password hash");
    }

    /// <summary>Asks for a room's online users again and again until <paramref name="until"/> ends; how long each answer took.</summary>
    private static async Task<List<TimeSpan>> AnswerTimesAsync(EngineWebSocketClient socket, Task until)
    {
        var times = new List<TimeSpan>();
        do
        {
            var clock = Stopwatch.StartNew();
            await socket.SendAsync("42[\"getOnlineUsers\",{\"roomName\":\"io-threads\"}]");
            Assert.That(await socket.ReceiveTextAsync(Deadline), Does.StartWith("42[\"onlineUsers\""));
            times.Add(clock.Elapsed);
            await Task.Delay(5);
        }
        while (!until.IsCompleted);

        return times;
    }

    private static async Task<string> TokenAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        }
    }
}
