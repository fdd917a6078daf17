using BenchmarkDotNet.Attributes;
using CohortKit.Metrics;

namespace CohortKit.Benchmarks.Core;

/// <summary>Mean and variance of 10M doubles (plus one odd length): MetricSummary's one-pass SIMD kernel against a
/// naive two-pass scalar loop and MathNet's Statistics.MeanVariance, in the same run.</summary>
[MemoryDiagnoser]
public class MetricSummaryBenchmarks
{
    private double[] _data = [];

    [Params(10_000_000, 1_000_003)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _data = new double[N];
        for (var i = 0; i < _data.Length; i++) { _data[i] = 30 + 10 * rng.NextDouble(); }
    }

    [Benchmark(Baseline = true)]
    public (double, double) NaiveTwoPass()
    {
        var x = _data;
        double sum = 0;
        for (var i = 0; i < x.Length; i++) { sum += x[i]; }
        var mean = sum / x.Length;
        double ss = 0;
        for (var i = 0; i < x.Length; i++) { var d = x[i] - mean; ss += d * d; }
        return (mean, ss / (x.Length - 1));
    }

    [Benchmark]
    public (double, double) MathNetMeanVariance() => MathNet.Numerics.Statistics.Statistics.MeanVariance(_data);

    [Benchmark]
    public (double, double) MetricSummaryFromSpan()
    {
        var s = MetricSummary.FromSpan(_data);
        return (s.Mean, s.Variance);
    }
}
