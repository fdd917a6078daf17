using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using CohortKit.Metrics;

namespace CohortKit.Benchmarks.Core;

/// <summary>The cost of MetricSummary.FromSpan's shift by the first value (docs/decisions.md #21): the current FromSpan
/// against the unshifted block kernels it replaced (copied here verbatim from commit 716baed as the baseline), on the same
/// data in the same run.</summary>
[MemoryDiagnoser]
public class MetricSummaryShiftCostBenchmarks
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
    public (double, double) UnshiftedBlocks()
    {
        double count = 0, mean = 0, m2 = 0;
        for (var start = 0; start < _data.Length; start += 2048)
        {
            var block = _data.AsSpan(start, Math.Min(2048, _data.Length - start));
            var (sum, _, _) = SumMinMax(block);
            var bMean = sum / block.Length;
            var bM2 = SumSquaredDeviations(block, bMean);
            var n = count + block.Length;
            var delta = bMean - mean;
            mean += delta * block.Length / n;
            m2 += bM2 + delta * delta * count * block.Length / n;
            count = n;
        }

        return (mean, m2 / (count - 1));
    }

    [Benchmark]
    public (double, double) ShiftedFromSpan()
    {
        var s = MetricSummary.FromSpan(_data);
        return (s.Mean, s.Variance);
    }

    private static (double Sum, double Min, double Max) SumMinMax(ReadOnlySpan<double> x)
    {
        ref var p = ref MemoryMarshal.GetReference(x);
        var n = x.Length;
        var i = 0;
        double sum, min, max;
        if (Vector512.IsHardwareAccelerated && n >= 2 * Vector512<double>.Count)
        {
            Vector512<double> s0 = Vector512<double>.Zero, s1 = Vector512<double>.Zero;
            Vector512<double> lo = Vector512.LoadUnsafe(ref p), hi = lo;
            for (; i <= n - 2 * Vector512<double>.Count; i += 2 * Vector512<double>.Count)
            {
                var a = Vector512.LoadUnsafe(ref p, (nuint)i);
                var b = Vector512.LoadUnsafe(ref p, (nuint)(i + Vector512<double>.Count));
                s0 += a;
                s1 += b;
                lo = Vector512.Min(lo, Vector512.Min(a, b));
                hi = Vector512.Max(hi, Vector512.Max(a, b));
            }

            sum = Vector512.Sum(s0 + s1);
            (min, max) = (MinAcross(lo.GetLower(), lo.GetUpper()), MaxAcross(hi.GetLower(), hi.GetUpper()));
        }
        else if (Vector256.IsHardwareAccelerated && n >= 2 * Vector256<double>.Count)
        {
            Vector256<double> s0 = Vector256<double>.Zero, s1 = Vector256<double>.Zero;
            Vector256<double> lo = Vector256.LoadUnsafe(ref p), hi = lo;
            for (; i <= n - 2 * Vector256<double>.Count; i += 2 * Vector256<double>.Count)
            {
                var a = Vector256.LoadUnsafe(ref p, (nuint)i);
                var b = Vector256.LoadUnsafe(ref p, (nuint)(i + Vector256<double>.Count));
                s0 += a;
                s1 += b;
                lo = Vector256.Min(lo, Vector256.Min(a, b));
                hi = Vector256.Max(hi, Vector256.Max(a, b));
            }

            sum = Vector256.Sum(s0 + s1);
            (min, max) = (MinAcross(lo, lo), MaxAcross(hi, hi));
        }
        else
        {
            throw new PlatformNotSupportedException();
        }

        for (; i < n; i++)
        {
            var v = Unsafe.Add(ref p, i);
            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return (sum, min, max);
    }


    private static double SumSquaredDeviations(ReadOnlySpan<double> x, double mean)
    {
        ref var p = ref MemoryMarshal.GetReference(x);
        var n = x.Length;
        var i = 0;
        double s;
        if (Vector512.IsHardwareAccelerated && n >= 2 * Vector512<double>.Count)
        {
            var m = Vector512.Create(mean);
            Vector512<double> s0 = Vector512<double>.Zero, s1 = Vector512<double>.Zero;
            for (; i <= n - 2 * Vector512<double>.Count; i += 2 * Vector512<double>.Count)
            {
                var a = Vector512.LoadUnsafe(ref p, (nuint)i) - m;
                var b = Vector512.LoadUnsafe(ref p, (nuint)(i + Vector512<double>.Count)) - m;
                s0 = Vector512.FusedMultiplyAdd(a, a, s0);
                s1 = Vector512.FusedMultiplyAdd(b, b, s1);
            }

            s = Vector512.Sum(s0 + s1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 2 * Vector256<double>.Count)
        {
            var m = Vector256.Create(mean);
            Vector256<double> s0 = Vector256<double>.Zero, s1 = Vector256<double>.Zero;
            for (; i <= n - 2 * Vector256<double>.Count; i += 2 * Vector256<double>.Count)
            {
                var a = Vector256.LoadUnsafe(ref p, (nuint)i) - m;
                var b = Vector256.LoadUnsafe(ref p, (nuint)(i + Vector256<double>.Count)) - m;
                s0 = Vector256.FusedMultiplyAdd(a, a, s0);
                s1 = Vector256.FusedMultiplyAdd(b, b, s1);
            }

            s = Vector256.Sum(s0 + s1);
        }
        else
        {
            throw new PlatformNotSupportedException();
        }

        for (; i < n; i++)
        {
            var d = Unsafe.Add(ref p, i) - mean;
            s += d * d;
        }

        return s;
    }


    private static double MinAcross(Vector256<double> a, Vector256<double> b)
    {
        var m = Vector256.Min(a, b);
        return Math.Min(Math.Min(m[0], m[1]), Math.Min(m[2], m[3]));
    }

    private static double MaxAcross(Vector256<double> a, Vector256<double> b)
    {
        var m = Vector256.Max(a, b);
        return Math.Max(Math.Max(m[0], m[1]), Math.Max(m[2], m[3]));
    }
}
