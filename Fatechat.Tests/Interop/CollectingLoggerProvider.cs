using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Fatechat.Tests.Interop;

/// <summary>Keeps the log entries of an <see cref="InteropServer"/> in memory, exceptions included.</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    internal sealed record LogEntry(LogLevel Level, string Category, string Message);

    private sealed class Logger(CollectingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string message = formatter(state, exception) + (exception is null ? "" : $" | {exception}");
            provider._entries.Enqueue(new LogEntry(logLevel, category, $"{category}: {message}"));
        }
    }
}
