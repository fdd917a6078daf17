using BenchmarkDotNet.Attributes;
using CohortKit.Personalization.Engine;
using MathNet.Numerics.LinearAlgebra;

namespace CohortKit.Benchmarks.Personalization;

/// <summary>The Thompson propensity of one decision (10 actions, widths within a factor 3, means spread like a trained
/// model's): the engine's pruned composite Gauss–Legendre rule against the previous implementation, 48-node Gauss–Hermite
/// with Numerical Recipes' erfcc (kept here as the baseline; it is off by up to 1e-4 when widths differ by 3×).</summary>
[MemoryDiagnoser]
public class ThompsonPropensityBenchmarks
{
    private const int Actions = 10;
    private readonly double[][] _means = new double[64][];
    private readonly double[][] _widths = new double[64][];
    private (double[] Nodes, double[] Weights) _hermite;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        for (var i = 0; i < _means.Length; i++)
        {
            _means[i] = [.. Enumerable.Range(0, Actions).Select(_ => 0.5 + (0.1 * (random.NextDouble() - 0.5)))];
            _widths[i] = [.. Enumerable.Range(0, Actions).Select(_ => 0.05 * Math.Exp(Math.Log(3) * (random.NextDouble() - 0.5)))];
        }

        _hermite = HermiteRule(48);
    }

    [Benchmark(Baseline = true)]
    public double GaussHermite48()
    {
        var i = _next++ & 63;
        return PreviousProbability(_means[i], _widths[i], 0.5, i % Actions);
    }

    [Benchmark]
    public double PrunedGaussLegendre()
    {
        var i = _next++ & 63;
        return ActionSelection.ThompsonProbability(_means[i], _widths[i], 0.5, i % Actions);
    }

    private double PreviousProbability(double[] means, double[] widths, double scale, int a)
    {
        var (nodes, weights) = _hermite;
        var sa = Math.Max(scale * widths[a], 1e-12);
        var p = 0.0;
        for (var q = 0; q < nodes.Length; q++)
        {
            var value = means[a] + (sa * nodes[q]);
            var product = weights[q];
            for (var b = 0; b < means.Length && product > 0; b++)
            {
                if (b == a) { continue; }
                product *= Erfcc((value - means[b]) / Math.Max(scale * widths[b], 1e-12));
            }

            p += product;
        }

        return Math.Clamp(p, double.Epsilon, 1);
    }

    private static double Erfcc(double x)
    {
        var z = Math.Abs(x) / Math.Sqrt(2);
        var t = 1 / (1 + (0.5 * z));
        var poly = 0.17087277;
        poly = (poly * t) - 0.82215223;
        poly = (poly * t) + 1.48851587;
        poly = (poly * t) - 1.13520398;
        poly = (poly * t) + 0.27886807;
        poly = (poly * t) - 0.18628806;
        poly = (poly * t) + 0.09678418;
        poly = (poly * t) + 0.37409196;
        poly = (poly * t) + 1.00002368;
        poly = (poly * t) - 1.26551223;
        var erfc = t * Math.Exp(-(z * z) + poly);
        return x >= 0 ? 1 - (0.5 * erfc) : 0.5 * erfc;
    }

    private static (double[] Nodes, double[] Weights) HermiteRule(int n)
    {
        var jacobi = Matrix<double>.Build.Dense(n, n);
        for (var i = 1; i < n; i++) { jacobi[i, i - 1] = jacobi[i - 1, i] = Math.Sqrt(i); }
        var evd = jacobi.Evd(Symmetricity.Symmetric);
        var nodes = new double[n];
        var weights = new double[n];
        for (var i = 0; i < n; i++)
        {
            nodes[i] = evd.EigenValues[i].Real;
            weights[i] = evd.EigenVectors[0, i] * evd.EigenVectors[0, i];
        }

        return (nodes, weights);
    }
}
