namespace Fatechat.Server.Hosting;

/// <summary>One backend that <c>GET /ready</c> asks: it throws, or does not finish in time, when the backend is unreachable.</summary>
public interface IReadinessCheck
{
    /// <summary>The backend's name in the answer: <c>storage</c>, <c>redis</c>, <c>kafka</c>.</summary>
    string Name { get; }

    Task CheckAsync(CancellationToken cancellationToken);
}

/// <summary>A check from a delegate, for adapters whose check is one call.</summary>
internal sealed class ReadinessCheck(string name, Func<CancellationToken, Task> check) : IReadinessCheck
{
    public string Name => name;

    public Task CheckAsync(CancellationToken cancellationToken) => check(cancellationToken);
}
