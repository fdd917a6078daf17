using System.Globalization;
using BenchmarkDotNet.Attributes;
using CohortKit.Churn.Lifetimes;

namespace CohortKit.Benchmarks.Churn;

/// <summary>The BG/NBD fit on CDNOW's 2,357 customers, against one evaluation of the log-likelihood and its gradient (the
/// unit the optimiser repeats) in the same run.</summary>
[MemoryDiagnoser]
public class BgNbdBenchmarks
{
    private double[] _x = [], _tx = [], _t = [];
    private BgNbdLikelihood _likelihood = null!;

    [GlobalSetup]
    public void Setup()
    {
        var path = Environment.GetEnvironmentVariable("COHORTKIT_DATA") is { Length: > 0 } root
            ? Path.Combine(root, "cdnow", "cdnow_customers_summary.csv")
            : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/datasets/cdnow/cdnow_customers_summary.csv"));
        var rows = File.ReadAllLines(path).Skip(1).Select(l => l.Split(',')).ToArray();
        _x = [.. rows.Select(f => double.Parse(f[1], CultureInfo.InvariantCulture))];
        _tx = [.. rows.Select(f => double.Parse(f[2], CultureInfo.InvariantCulture))];
        _t = [.. rows.Select(f => double.Parse(f[3], CultureInfo.InvariantCulture))];
        _likelihood = new BgNbdLikelihood(_x, _tx, _t);
    }

    [Benchmark(Baseline = true)]
    public double OneLikelihoodAndGradient() => _likelihood.MeanAndGradient([0, 0, 0, 0], new double[4]);

    [Benchmark]
    public double Fit() => new BgNbdFitter().Fit(_x, _tx, _t).LogLikelihood;
}
