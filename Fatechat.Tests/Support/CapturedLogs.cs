using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Fatechat.Tests.Support;

/// <summary>
/// A logger provider that keeps what a server logged, so a test can assert that bad input was handled as bad
/// input and not as an unhandled exception (which Kestrel and the protocol log at Error level). It also keeps
/// each entry's named values, its own and those of the scopes it was logged in, as the JSON console formatter
/// writes them.
/// </summary>
public sealed class CapturedLogs(LogLevel minimum = LogLevel.Warning) : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<Entry> _entries = new();
    private readonly LogLevel _minimum = minimum;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <param name="Properties">The entry's own values (<c>{Sid}</c> in its message), then its scopes' (<c>sid</c>, <c>socketId</c>, …).</param>
    public sealed record Entry(LogLevel Level, string Category, string Message, Exception? Exception, EventId EventId = default,
        IReadOnlyList<KeyValuePair<string, object?>>? Properties = null)
    {
        public override string ToString() => $"{Level} {Category}: {Message} {Exception}";

        /// <summary>The first value named <paramref name="name"/> (case-sensitive, as logged), or null.</summary>
        public object? Value(string name) => Properties?.FirstOrDefault(p => p.Key == name).Value;
    }

    /// <summary>Everything logged at the minimum level and above (Warning unless given), in order.</summary>
    public IReadOnlyCollection<Entry> Entries => _entries;

    public IReadOnlyList<Entry> Errors => _entries.Where(e => e.Level >= LogLevel.Error).ToList();

    public void Clear() => _entries.Clear();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var properties = new List<KeyValuePair<string, object?>>();
            if (state is IEnumerable<KeyValuePair<string, object?>> own)
            {
                properties.AddRange(own);
            }

            owner._scopes.ForEachScope(static (scope, into) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    into.AddRange(values);
                }
            }, properties);
            owner._entries.Enqueue(new Entry(logLevel, category, formatter(state, exception), exception, eventId, properties));
        }
    }
}
