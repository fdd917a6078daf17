using BenchmarkDotNet.Attributes;
using CohortKit.Metrics;
using CohortKit.Regions.Analytics;

namespace CohortKit.Benchmarks.Regions;

/// <summary>Merging 10,000 regional summaries (the goal: under 1 ms) against the baseline of summarising the raw values
/// centrally (10,000 × 37 values, what the merge makes unnecessary), plus the merge of 10,000 quantile sketches, in the same run.</summary>
[MemoryDiagnoser]
public class SummaryMergeBenchmarks
{
    private const int Parts = 10_000;
    private const int PerPart = 37; // odd
    private MetricSummary[] _summaries = [];
    private QuantileSketch[] _sketches = [];
    private double[] _raw = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(3);
        _raw = [.. Enumerable.Range(0, Parts * PerPart).Select(_ => 60 * rng.NextDouble())];
        _summaries = [.. Enumerable.Range(0, Parts).Select(p => MetricSummary.FromSpan(_raw.AsSpan(p * PerPart, PerPart)))];
        _sketches = [.. Enumerable.Range(0, Parts).Select(p =>
        {
            var s = new QuantileSketch();
            foreach (var v in _raw.AsSpan(p * PerPart, PerPart)) { s.Add(v); }
            return s;
        })];
    }

    [Benchmark(Baseline = true)]
    public double SummariseRawCentrally() => MetricSummary.FromSpan(_raw).Variance;

    [Benchmark]
    public double Merge10000Summaries()
    {
        var all = MetricSummary.Empty;
        foreach (var s in _summaries) { all = all.Merge(s); }
        return all.Variance;
    }

    [Benchmark]
    public double Merge10000QuantileSketches()
    {
        var all = new QuantileSketch();
        foreach (var s in _sketches) { all.Merge(s); }
        return all.Quantile(0.99);
    }
}
