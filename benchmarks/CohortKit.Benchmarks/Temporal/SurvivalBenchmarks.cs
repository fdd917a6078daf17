using BenchmarkDotNet.Attributes;
using CohortKit.Learners;
using CohortKit.Temporal.Survival;

namespace CohortKit.Benchmarks.Temporal;

/// <summary>Kaplan–Meier (all subjects and each of two groups) and the log-rank test over 1M subjects with integer days
/// (many ties, as in real data), against a straightforward version that counts the risk set by scanning every subject
/// at every distinct time, in the same run.</summary>
[MemoryDiagnoser]
public class SurvivalBenchmarks
{
    private double[] _time = [];
    private bool[] _died = [];
    private int[] _codes = [];
    private CategoricalColumn _group = null!;
    private readonly SurvivalAnalyzer _analyzer = new(new SurvivalOptions());

    [Params(1_000_000, 999_983)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _time = new double[N];
        _died = new bool[N];
        _codes = new int[N];
        for (var i = 0; i < N; i++)
        {
            _codes[i] = random.Next(2);
            _time[i] = Math.Min(365, Math.Ceiling(-Math.Log(1 - random.NextDouble()) * (_codes[i] == 0 ? 200 : 240)));
            _died[i] = _time[i] < 365 && random.NextDouble() < 0.7;
        }

        _group = new CategoricalColumn("arm", ["a", "b"], _codes);
    }

    [Benchmark(Baseline = true)]
    public double Straightforward()
    {
        var times = _time.Where((t, i) => _died[i]).Distinct().Order().ToArray();
        double s = 1, greenwood = 0, chi = 0, variance = 0;
        foreach (var t in times)
        {
            int n = 0, d = 0, n1 = 0, d1 = 0;
            for (var i = 0; i < _time.Length; i++)
            {
                if (_time[i] < t) { continue; }
                n++;
                n1 += _codes[i];
                if (_time[i] == t && _died[i]) { d++; d1 += _codes[i]; }
            }

            s *= 1 - (double)d / n;
            greenwood += (double)d / ((double)n * (n - d));
            chi += d1 - (double)d * n1 / n;
            variance += n > 1 ? (double)d * (n - d) / (n - 1) * n1 / n * (1 - (double)n1 / n) : 0;
        }

        return s * Math.Sqrt(greenwood) + chi * chi / variance;
    }

    [Benchmark]
    public SurvivalComparison CohortKitCompare() => _analyzer.Compare(_time, _died, _group);

    [Benchmark]
    public KaplanMeierCurve CohortKitKaplanMeierOnly() => _analyzer.KaplanMeier(_time, _died);
}
