using System.Text;

namespace Fatechat.Tests.Fuzz;

/// <summary>
/// The kept inputs under <c>Fuzz/corpus/</c>: seeds and every input that once failed. The folder names the decoder
/// (engine, socketio, messages, polling-v4, polling-v3, polling-v3-binary, websocket, request-head). A <c>.txt</c>
/// file is its exact bytes; a <c>.hex</c> file is hex digits, whitespace and <c>#</c> comment lines ignored. In
/// <c>messages</c>, each line is one Engine.IO text packet, or <c>bin:</c> and the hex of a binary frame.
/// </summary>
internal static class FuzzCorpus
{
    public sealed record Entry(string Kind, string Name, byte[] Bytes)
    {
        public override string ToString() => $"{Kind}/{Name}";
    }

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Fuzz", "corpus");

    public static IEnumerable<Entry> All() =>
        Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(path => new Entry(Path.GetFileName(Path.GetDirectoryName(path)!), Path.GetFileName(path), Read(path)));

    /// <summary>The frames of a <c>messages</c> entry: text packets and binary frames, in order.</summary>
    public static IEnumerable<WireMessage> Messages(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.StartsWith("bin:", StringComparison.Ordinal)
            ? new WireMessage(true, Convert.FromHexString(line[4..]))
            : new WireMessage(false, Encoding.UTF8.GetBytes(line)));

    private static byte[] Read(string path)
    {
        if (!path.EndsWith(".hex", StringComparison.Ordinal))
        {
            return File.ReadAllBytes(path);
        }

        var digits = File.ReadAllLines(path)
            .Where(line => !line.TrimStart().StartsWith('#'))
            .SelectMany(line => line.Where(char.IsAsciiHexDigit));
        return Convert.FromHexString(string.Concat(digits));
    }
}
