using System.Diagnostics;
using System.Globalization;
using CohortKit.Personalization.Engine;

namespace CohortKit.Benchmarks.Personalization;

/// <summary><c>--rank-latency N</c>: the latency distribution of single Rank calls (10 actions × 20 features, LinUCB and
/// Thompson, one thread), each timed with the high-resolution clock: BenchmarkDotNet reports means of batches, not a p99.</summary>
internal static class RankLatencyRun
{
    public static int Run(int calls)
    {
        foreach (var policy in new[] { BanditPolicy.LinUcb, BanditPolicy.Thompson })
        {
            var benchmark = new PersonalizerRankBenchmarks();
            benchmark.Setup();
            var rank = policy == BanditPolicy.LinUcb ? (Func<RankResult>)benchmark.RankLinUcb : benchmark.RankThompson;
            for (var i = 0; i < 100_000; i++) { rank(); } // warm up (tiered JIT)
            var ticks = new long[calls];
            var total = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                var start = Stopwatch.GetTimestamp();
                rank();
                ticks[i] = Stopwatch.GetTimestamp() - start;
            }

            total.Stop();
            Array.Sort(ticks);
            double Us(double q) => ticks[(int)Math.Min(calls - 1, q * calls)] * 1e6 / Stopwatch.Frequency;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{policy}: {calls:N0} calls, p50 {Us(0.5):F2} µs, p99 {Us(0.99):F2} µs, p99.9 {Us(0.999):F2} µs, max {Us(1):F1} µs, {calls / total.Elapsed.TotalSeconds:N0} decisions/s (timing included)"));
            benchmark.Cleanup();
        }

        return 0;
    }
}
