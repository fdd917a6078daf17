using BenchmarkDotNet.Attributes;
using CohortKit.Experiments;
using CohortKit.Learners;
using CohortKit.Segmentation;

namespace CohortKit.Benchmarks.Segmentation;

/// <summary>A segment table of 1,000,003 learners × 8 dimensions × 3 metrics with an arm column (effects, BH, heterogeneity,
/// Simpson) against a LINQ GroupBy that only computes each (dimension value, arm)'s count, mean and variance, in the same run.</summary>
[MemoryDiagnoser]
public class SegmentTableBenchmarks
{
    private static readonly int[] Cardinalities = [3, 4, 5, 6, 8, 10, 12, 20];
    private SegmentationData _data = null!;
    private SegmentAnalyzer _analyzer = null!;

    [Params(1_000_003)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        var dims = Cardinalities.Select((c, j) =>
        {
            var codes = new int[N];
            for (var i = 0; i < N; i++) { codes[i] = rng.Next(c); }
            return new CategoricalColumn($"d{j}", [.. Enumerable.Range(0, c).Select(v => $"v{v}")], codes);
        }).ToArray();
        var arm = new int[N];
        for (var i = 0; i < N; i++) { arm[i] = rng.Next(2); }
        var metrics = Enumerable.Range(0, 3).Select(m =>
        {
            var y = new double[N];
            for (var i = 0; i < N; i++) { y[i] = m == 2 ? (rng.NextDouble() < 0.3 ? 1 : 0) : 10 + 3 * rng.NextDouble() + arm[i] * 0.1; }
            return new MetricColumn($"m{m}", y);
        }).ToArray();
        _data = new SegmentationData(metrics, dims) { Arm = new CategoricalColumn("arm", ["control", "treatment"], arm), ControlArm = "control" };
        _analyzer = new SegmentAnalyzer(new SegmentationOptions());
    }

    [Benchmark(Baseline = true)]
    public int LinqGroupBy()
    {
        var cells = 0;
        var arm = _data.Arm!.Codes.ToArray();
        foreach (var d in _data.Dimensions)
        {
            var codes = d.Codes.ToArray();
            foreach (var m in _data.Metrics)
            {
                var y = m.Values.ToArray();
                cells += Enumerable.Range(0, y.Length)
                    .GroupBy(i => (codes[i], arm[i]))
                    .Select(g =>
                    {
                        var n = g.Count();
                        var mean = g.Average(i => y[i]);
                        var variance = g.Sum(i => (y[i] - mean) * (y[i] - mean)) / (n - 1);
                        return (g.Key, n, mean, variance);
                    })
                    .Count();
            }
        }

        return cells;
    }

    [Benchmark]
    public int SegmentAnalyzerTable() => _analyzer.Analyze(_data).Dimensions.Sum(d => d.Segments.Count);
}
