using System.Globalization;

namespace Fatechat.Tests.Fuzz;

/// <summary>
/// How long the fuzz tests run and from which seed. <c>FATECHAT_FUZZ_SECONDS</c> is the whole budget, shared out
/// by <see cref="Seconds"/> (default 20, a CI-sized run); <c>FATECHAT_FUZZ_SEED</c> replays a run. Every fuzz test
/// prints the seed it used, so a failure in CI can be run again locally with the same inputs.
/// </summary>
internal static class FuzzBudget
{
    public const string SecondsVariable = "FATECHAT_FUZZ_SECONDS";
    public const string SeedVariable = "FATECHAT_FUZZ_SEED";
    private const double DefaultSeconds = 20;

    /// <summary>The whole budget in seconds.</summary>
    public static double Total { get; } = ReadSeconds();

    /// <summary>The run's seed: the one asked for, or a fresh one.</summary>
    public static ulong Seed { get; } = ReadSeed();

    /// <summary>A test's part of the budget: <paramref name="share"/> of the total, at least one second.</summary>
    public static int Seconds(double share) => Math.Max(1, (int)Math.Round(Total * share));

    /// <summary>The seed of one test: the run's seed mixed with the test's name, so that tests draw different inputs.</summary>
    public static ulong SeedFor(string test)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in test)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return Seed ^ hash;
    }

    /// <summary>Prints the seed, and how to replay it, before the test draws its first input.</summary>
    public static void Announce(string test, int seconds) =>
        TestContext.Progress.WriteLine(
            $"fuzz {test}: {seconds} s, {SeedVariable}={Seed.ToString(CultureInfo.InvariantCulture)} (set it to replay; {SecondsVariable} for longer)");

    private static double ReadSeconds() =>
        double.TryParse(Environment.GetEnvironmentVariable(SecondsVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0
            ? seconds
            : DefaultSeconds;

    private static ulong ReadSeed() =>
        ulong.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong seed)
            ? seed
            : (ulong)Random.Shared.NextInt64();
}
