namespace Fatechat.Tests.Support;

/// <summary>Every await in a socket test has a deadline, so a protocol bug fails a test instead of hanging the run.</summary>
public static class AsyncTimeout
{
    /// <summary>Long enough for a loaded 2-core CI machine, short enough to fail fast.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(5);

    public static Task<T> WithTimeout<T>(this Task<T> task, TimeSpan? timeout = null) =>
        task.WaitAsync(timeout ?? Default);

    public static Task WithTimeout(this Task task, TimeSpan? timeout = null) =>
        task.WaitAsync(timeout ?? Default);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test when the deadline passes first.</summary>
    public static async Task UntilAsync(Func<bool> condition, string description, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Default);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {description}");
            }

            await Task.Delay(10);
        }
    }
}
