using Fatechat.Tests.Support;
using System.Text.Json;

namespace Fatechat.Tests.Interop;

/// <summary>
/// The client bundle under <c>/socket.io/</c>: each file served with 200, a JavaScript (or JSON, for source maps)
/// content type and an ETag, byte for byte the pinned socket.io-client package's dist file; and the served ESM
/// bundle, loaded as a browser would load it, connects.
/// </summary>
[TestFixture(EntryPath.Connection)]
[TestFixture(EntryPath.Http)]
public sealed class ClientBundleInteropTests(EntryPath entryPath)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(40);

    [Test]
    public async Task ClientBundleIsServedAsThePinnedPackageFilesAndItsEsmBuildConnects()
    {
        await using var server = await InteropServer.StartAsync(entryPath, io => io.OnConnection(InteropHandlers.AnswerWhoAmI));

        var result = await NodeScript.RunAsync(ScriptTimeout, "client-bundle.mjs", server.Url);

        var served = result.GetProperty("served").EnumerateArray().ToDictionary(f => f.GetProperty("file").GetString()!);
        Assert.Multiple(() =>
        {
            Assert.That(result.GetProperty("packageVersion").GetString(), Is.EqualTo("4.8.4"));
            Assert.That(served.Keys, Is.EquivalentTo(new[]
            {
                "socket.io.js", "socket.io.js.map", "socket.io.min.js", "socket.io.min.js.map", "socket.io.esm.min.js", "socket.io.esm.min.js.map",
            }));
            foreach (var (file, response) in served)
            {
                Assert.That(response.GetProperty("status").GetInt32(), Is.EqualTo(200), file);
                string? contentType = response.GetProperty("contentType").GetString();
                if (file.EndsWith(".map", StringComparison.Ordinal))
                {
                    Assert.That(contentType, Does.StartWith("application/json"), file);
                }
                else
                {
                    Assert.That(contentType, Does.Match("^(application|text)/javascript"), file);
                }

                Assert.That(response.GetProperty("length").GetInt32(), Is.GreaterThan(1000), file);
                Assert.That(response.GetProperty("matchesPackage").GetBoolean(), Is.True, $"{file} equals node_modules/socket.io-client/dist/{file}");
                Assert.That(response.GetProperty("revalidated").ValueKind, Is.EqualTo(JsonValueKind.Number), $"{file} has an ETag");
                Assert.That(response.GetProperty("revalidated").GetInt32(), Is.EqualTo(304), $"{file} revalidates with If-None-Match");
            }

            var answer = result.GetProperty("servedBundleAnswer");
            Assert.That(answer.GetProperty("transport").GetString(), Is.EqualTo("websocket"), "the served ESM bundle connected");
        });
        server.AssertNoErrorsLogged();
    }
}
