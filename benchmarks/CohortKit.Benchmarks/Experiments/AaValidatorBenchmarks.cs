using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using CohortKit.Experiments;
using CohortKit.Experiments.AaValidation;
using MathNet.Numerics.Distributions;

namespace CohortKit.Benchmarks.Experiments;

/// <summary>A/A validation: re-randomising 100,000 learners 10,000 times with a Welch test each time. CohortKit's
/// validator against a straightforward implementation (System.Random per learner, two lists, MathNet's mean/variance
/// and t distribution), which runs 1,000 iterations here and is scaled by 10 in docs/benchmarks.md.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class AaValidatorBenchmarks
{
    private const int Learners = 100_000;
    private double[] _y = [];
    private AaTestValidator _validator = null!;

    [GlobalSetup]
    public void Setup()
    {
        _y = PeerData.Metric(Learners);
        _validator = new AaTestValidator(new AaValidationOptions { Iterations = 10_000, Seed = 1 });
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 1)]
    public double Straightforward1000Iterations()
    {
        var rng = new Random(1);
        var positives = 0;
        for (var it = 0; it < 1_000; it++)
        {
            var a = new List<double>();
            var b = new List<double>();
            foreach (var v in _y)
            {
                (rng.NextDouble() < 0.5 ? a : b).Add(v);
            }

            var (ma, va) = MathNet.Numerics.Statistics.Statistics.MeanVariance(a);
            var (mb, vb) = MathNet.Numerics.Statistics.Statistics.MeanVariance(b);
            double sa = va / a.Count, sb = vb / b.Count;
            var t = (mb - ma) / Math.Sqrt(sa + sb);
            var df = (sa + sb) * (sa + sb) / (sa * sa / (a.Count - 1) + sb * sb / (b.Count - 1));
            if (2 * StudentT.CDF(0, 1, df, -Math.Abs(t)) < 0.05) { positives++; }
        }

        return positives;
    }

    [Benchmark]
    public double CohortKit10000Iterations() => _validator.Rerandomize([new MetricColumn("y", _y)]).Metrics[0].FalsePositiveRate;
}
