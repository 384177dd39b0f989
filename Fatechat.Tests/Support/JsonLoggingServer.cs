using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Fatechat.Tests.Support;

/// <summary>
/// The built server as a process of its own (<see cref="BuiltServerStart"/>) with JSON console logs, as the image
/// runs it: its stdout lines are collected as they come, and disposing stops it and removes its folder.
/// </summary>
internal sealed class JsonLoggingServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private JsonLoggingServer(Process process, string folder)
    {
        _process = process;
        _folder = folder;
    }

    /// <summary>Every stdout line so far.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>
    /// Starts the server in a fresh folder named after <paramref name="name"/>; <paramref name="environment"/> adds
    /// variables on top of <see cref="BuiltServerStart"/>'s.
    /// </summary>
    public static JsonLoggingServer Start(string name, params (string Name, string Value)[] environment)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"fatechat-{name}-{Guid.NewGuid():N}");
        var start = BuiltServerStart.In(folder, "a-deployment-secret-that-is-long-enough-for-hs256");
        start.Environment["Logging__Console__FormatterName"] = "json";
        foreach (var (variable, value) in environment)
        {
            start.Environment[variable] = value;
        }

        var server = new JsonLoggingServer(new Process { StartInfo = start }, folder);
        server._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                server.Lines.Enqueue(line);
            }
        };
        server._process.ErrorDataReceived += (_, _) => { };
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    /// <summary>The lines that are JSON objects, parsed.</summary>
    public IEnumerable<JsonElement> Json => Lines.Select(Parse).Where(j => j is not null).Select(j => j!.Value);

    /// <summary>The address from Kestrel's "Now listening on" line (event 14), once it is written.</summary>
    public async Task<string> AddressAsync(TimeSpan deadline)
    {
        string? address = null;
        await AsyncTimeout.UntilAsync(() => (address = Json.Where(j => EventId(j) == 14)
            .Select(j => j.GetProperty("State").GetProperty("address").GetString()).FirstOrDefault()) is not null,
            "the server says where it listens", deadline);
        return address!;
    }

    public static int? EventId(JsonElement line) =>
        line.TryGetProperty("EventId", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetInt32() : null;

    /// <summary>The line as a JSON object, or null when it is not one.</summary>
    public static JsonElement? Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
