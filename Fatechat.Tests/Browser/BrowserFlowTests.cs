using System.Text.Json;
using Fatechat.Tests.Interop;
using Fatechat.Tests.Support;

namespace Fatechat.Tests.Browser;

/// <summary>
/// The whole web UI in headless Chromium against a real Fatechat server on embedded defaults: two people
/// register, log in, create and enter a room, chat, write privately, and markup stays text.
/// The browser side is <c>ui-flow.mjs</c> (playwright-core driving Debian's <c>/usr/bin/chromium</c>).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class BrowserFlowTests
{
    private const string Chromium = "/usr/bin/chromium";

    // The script stops itself after 120 s; this only catches a hung node or browser.
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(3);

    private FatechatTestServer? _server;
    private string _baseUrl = "";

    [OneTimeSetUp]
    public async Task StartServerAsync()
    {
        RequireChromium();
        // The repository's own static folder, whatever folder the test runs in.
        // The shipped grace period, so that a reload is seen as one; short heartbeats, so that going offline is noticed in seconds.
        _server = await FatechatTestServer.StartAsync(
            $"--Fatechat:Server:StaticFolder={Path.Combine(InteropPaths.RepoRoot, "static")}",
            "--Fatechat:Chat:ReconnectGraceMs=5000",
            "--Fatechat:SocketIO:PingIntervalMs=2000",
            "--Fatechat:SocketIO:PingTimeoutMs=2000");
        _baseUrl = _server.BaseAddress.ToString().TrimEnd('/');
    }

    [OneTimeTearDown]
    public async Task StopServerAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task TwoPeopleRegisterChatAndWritePrivatelyInTheBrowser()
    {
        var output = Path.Combine(TestContext.CurrentContext.WorkDirectory, "browser-flow", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"));
        Directory.CreateDirectory(output);
        // An absolute path: NodeScript combines it with its own folder, which leaves an absolute path as it is.
        var script = Path.Combine(InteropPaths.RepoRoot, "Fatechat.Tests", "Browser", "ui-flow.mjs");

        JsonElement result;
        try
        {
            // Fails the test with the script's output on a non-zero exit or an error in its result line.
            result = await NodeScript.RunAsync(ScriptTimeout, script, _baseUrl, output);
        }
        finally
        {
            // Screenshots of the chat page, or of both pages at the moment a step failed.
            foreach (var png in Directory.GetFiles(output, "*.png"))
            {
                TestContext.AddTestAttachment(png, Path.GetFileNameWithoutExtension(png));
            }
        }

        var steps = result.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(result.GetProperty("ok").GetBoolean(), Is.True);
            Assert.That(result.GetProperty("dialogs").GetArrayLength(), Is.Zero, "a dialog fired: injected script ran");
            Assert.That(result.GetProperty("pageErrors").GetArrayLength(), Is.Zero, "uncaught errors in the page");
            Assert.That(steps, Does.Contain("bob appears in alice's online list")
                .And.Contain("bob replies privately and alice gets it")
                .And.Contain("markup in a message shows as text")
                .And.Contain("a link in a message is clickable and the text stays as sent")
                .And.Contain("typing shows to the other user only, and goes away")
                .And.Contain("scrolled up, a new message gets a divider and a jump-to-latest button")
                .And.Contain("a reload is neither a leave nor a join, and keeps the private conversations")
                .And.Contain("offline: a banner, the online list greyed, then recovery")
                .And.Contain("the room list counts what came since the last visit, the title too, and lists private conversations"));
        });

        var screenshot = Path.Combine(output, "chat-page.png");
        Assert.That(File.Exists(screenshot), Is.True, "no screenshot of the chat page");
        var header = new byte[8];
        await using (var file = File.OpenRead(screenshot))
        {
            await file.ReadExactlyAsync(header);
            Assert.That(file.Length, Is.GreaterThan(10_000), "the screenshot is suspiciously small");
        }

        Assert.That(header, Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "the screenshot is not a PNG");
        TestContext.Out.WriteLine($"screenshots in {output}");
    }

    /// <summary>Under CI a missing browser is a failure; on a developer machine the test is ignored with the reason.</summary>
    private static void RequireChromium()
    {
        if (File.Exists(Chromium))
        {
            return;
        }

        const string message = $"the browser test needs {Chromium} (apt-get install chromium)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message);
        }

        Assert.Ignore(message);
    }
}
