using System.Collections;

namespace Fatechat.Protocol.Logging;

/// <summary>
/// Named values for <see cref="Microsoft.Extensions.Logging.ILogger.BeginScope{TState}"/>: every line logged in
/// the scope carries them (the JSON console formatter writes them as properties with <c>IncludeScopes</c>). A
/// connection or socket builds its scope once and reuses it, so entering one costs the logger's push only.
/// </summary>
public sealed class LogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _values;

    public LogScope(params KeyValuePair<string, object?>[] values) => _values = values;

    public LogScope(string name, object? value) => _values = [new(name, value)];

    public LogScope(string name1, object? value1, string name2, object? value2) => _values = [new(name1, value1), new(name2, value2)];

    public int Count => _values.Length;

    public KeyValuePair<string, object?> this[int index] => _values[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>How the plain-text console formatter prints the scope: <c>sid:abc socketId:def</c>.</summary>
    public override string ToString() => string.Join(' ', _values.Select(v => $"{v.Key}:{v.Value}"));
}
