using System.Text.Json;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Operations;

/// <summary>
/// The published server (<c>dotnet Fatechat.Server.dll</c>, Production) with <c>Logging__Console__FormatterName=json</c>,
/// as the image runs it: every stdout line is one JSON object with a UTC ISO-8601 <c>Timestamp</c>, and a line
/// logged while a session's request is served carries the session's <c>sid</c> in its scopes.
/// </summary>
[TestFixture]
public sealed class JsonConsoleLogTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Test]
    public async Task JsonLinesHaveUtcTimestampsAndTheSessionScope()
    {
        await using var server = JsonLoggingServer.Start("jsonlog", ("Logging__LogLevel__Fatechat", "Debug"));
        var lines = server.Lines;
        JsonElement? Find(Func<JsonElement, bool> match) =>
            server.Json.Where(match).Select(j => (JsonElement?)j).FirstOrDefault();
        var address = await server.AddressAsync(Deadline);
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = Deadline };
        var open = await http.GetStringAsync("/socket.io/?EIO=4&transport=polling");
        var sid = JsonDocument.Parse(open[1..]).RootElement.GetProperty("sid").GetString()!;
        // Not a Socket.IO packet: the session closes with "parse error", logged while its POST is served.
        using var post = await http.PostAsync($"/socket.io/?EIO=4&transport=polling&sid={sid}", new StringContent("4zzz"));

        await AsyncTimeout.UntilAsync(() => Find(j => JsonLoggingServer.EventId(j) == 1003) is not null, "the close line is written", Deadline);
        var invalid = Find(j => JsonLoggingServer.EventId(j) == 1100);
        var closed = Find(j => JsonLoggingServer.EventId(j) == 1003)!.Value;

        Assert.Multiple(() =>
        {
            foreach (var line in lines)
            {
                Assert.That(JsonLoggingServer.Parse(line), Is.Not.Null, $"one JSON object per line: {line}");
                if (JsonLoggingServer.Parse(line) is { } json)
                {
                    Assert.That(json.GetProperty("Timestamp").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"), line);
                    var stamp = DateTimeOffset.Parse(json.GetProperty("Timestamp").GetString()!);
                    Assert.That(stamp, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(5)), "UTC, not local time");
                }
            }

            Assert.That(closed.GetProperty("State").GetProperty("Reason").GetString(), Is.EqualTo("parse error"));
            Assert.That(closed.GetProperty("State").GetProperty("Sid").GetString(), Is.EqualTo(sid));
            Assert.That(invalid, Is.Not.Null, "the invalid packet is logged at Debug");
            var scopes = invalid!.Value.GetProperty("Scopes").EnumerateArray().ToList();
            Assert.That(scopes.Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("sid", out var v) && v.GetString() == sid), Is.Not.Empty,
                $"the line carries the session's sid in its scopes: {invalid}");
        });
        TestContext.Out.WriteLine(invalid!.Value.GetRawText());
    }
}
