using System.Diagnostics;
using CsCheck;

namespace Fatechat.Tests.Fuzz;

/// <summary>
/// Draws inputs from a generator for a time budget and checks a property on each. Each input comes from its own
/// seed, derived from the run's (<see cref="FuzzBudget"/>): a failure names that seed and the input, and the same
/// run seed draws the same inputs again. A property that does not return within <see cref="PerInputBound"/> fails the
/// test with the input it was given, so a hang is reported rather than waited out.
/// </summary>
internal static class FuzzRunner
{
    /// <summary>Generous for a loaded 2-core machine: the decoders take microseconds per input.</summary>
    public static readonly TimeSpan PerInputBound = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="property"/> on inputs for <paramref name="seconds"/>; returns how many were tried.</summary>
    public static async Task<int> RunAsync<T>(string test, int seconds, Gen<T> gen, Action<T> property, Func<T, string> print)
    {
        FuzzBudget.Announce(test, seconds);
        var seeds = new PCG(7, FuzzBudget.SeedFor(test));
        var stop = Stopwatch.StartNew();
        int tried = 0;
        while (stop.Elapsed.TotalSeconds < seconds)
        {
            ulong seed = seeds.Next64();
            T input = gen.Generate(new PCG(7, seed), null!, out _);
            var check = Task.Run(() => property(input));
            try
            {
                await check.WaitAsync(PerInputBound);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{test}: no answer within {PerInputBound} (input seed {seed}): {print(input)}");
            }
            catch (Exception failure)
            {
                Assert.Fail($"{test}: input seed {seed}, run {FuzzBudget.SeedVariable}={FuzzBudget.Seed}: {print(input)}\n{failure}");
            }

            tried++;
        }

        TestContext.Progress.WriteLine($"fuzz {test}: {tried} inputs");
        Assert.That(tried, Is.GreaterThan(0));
        return tried;
    }

    public static string Hex(byte[] bytes) => bytes.Length <= 512 ? Convert.ToHexString(bytes) : Convert.ToHexString(bytes[..512]) + $"… ({bytes.Length} bytes)";
}
