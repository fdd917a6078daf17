using BenchmarkDotNet.Attributes;
using CohortKit.Experiments.Tests;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace CohortKit.Benchmarks.Experiments;

/// <summary>Welch's t-test on two arms of 10M doubles: CohortKit (one SIMD pass per arm) against the same computed with MathNet.</summary>
[MemoryDiagnoser]
public class WelchBenchmarks
{
    private double[] _control = [];
    private double[] _treatment = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _control = new double[10_000_000];
        _treatment = new double[10_000_000];
        for (var i = 0; i < _control.Length; i++)
        {
            _control[i] = 20 + 5 * rng.NextDouble();
            _treatment[i] = 20.01 + 5 * rng.NextDouble();
        }
    }

    [Benchmark(Baseline = true)]
    public double MathNetWelch()
    {
        var (mc, vc) = MathNet.Numerics.Statistics.Statistics.MeanVariance(_control);
        var (mt, vt) = MathNet.Numerics.Statistics.Statistics.MeanVariance(_treatment);
        double sc = vc / _control.Length, st = vt / _treatment.Length;
        var t = (mt - mc) / Math.Sqrt(sc + st);
        var df = (sc + st) * (sc + st) / (sc * sc / (_control.Length - 1) + st * st / (_treatment.Length - 1));
        return 2 * StudentT.CDF(0, 1, df, -Math.Abs(t));
    }

    [Benchmark]
    public double CohortKitWelch() => WelchTTest.Compute(_control, _treatment).PValue;
}
