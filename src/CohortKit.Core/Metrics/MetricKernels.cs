using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CohortKit.Metrics;

/// <summary>
/// The SIMD block kernels behind <see cref="MetricSummary.FromSpan(ReadOnlySpan{double})"/>, each with a scalar reference.
/// Both work on deviations from a caller-chosen point, so that data far from zero (epoch times, ids near 1e15) keeps its
/// spread: a difference of two close doubles is exact, a sum of large raw values is not.
/// </summary>
/// <remarks>Vector512 when accelerated, else Vector256, else the scalar loop; a scalar tail in every case. NaN in the input
/// propagates to the sums (the caller checks them); min and max of NaN input are unspecified.</remarks>
internal static class MetricKernels
{
    /// <summary>Scalar reference: Σ (x − shift), min x and max x.</summary>
    public static (double ShiftedSum, double Min, double Max) ShiftedSumMinMaxScalar(ReadOnlySpan<double> x, double shift)
    {
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in x)
        {
            sum += v - shift;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return (sum, min, max);
    }

    /// <summary>Σ (x − shift), min x and max x in one pass.</summary>
    public static (double ShiftedSum, double Min, double Max) ShiftedSumMinMax(ReadOnlySpan<double> x, double shift)
    {
        ref var p = ref MemoryMarshal.GetReference(x);
        var n = x.Length;
        var i = 0;
        double sum, min, max;
        if (Vector512.IsHardwareAccelerated && n >= 2 * Vector512<double>.Count)
        {
            var k = Vector512.Create(shift);
            Vector512<double> s0 = Vector512<double>.Zero, s1 = Vector512<double>.Zero;
            Vector512<double> lo = Vector512.LoadUnsafe(ref p), hi = lo;
            for (; i <= n - 2 * Vector512<double>.Count; i += 2 * Vector512<double>.Count)
            {
                var a = Vector512.LoadUnsafe(ref p, (nuint)i);
                var b = Vector512.LoadUnsafe(ref p, (nuint)(i + Vector512<double>.Count));
                s0 += a - k;
                s1 += b - k;
                lo = Vector512.Min(lo, Vector512.Min(a, b));
                hi = Vector512.Max(hi, Vector512.Max(a, b));
            }

            sum = Vector512.Sum(s0 + s1);
            (min, max) = (MinAcross(lo.GetLower(), lo.GetUpper()), MaxAcross(hi.GetLower(), hi.GetUpper()));
        }
        else if (Vector256.IsHardwareAccelerated && n >= 2 * Vector256<double>.Count)
        {
            var k = Vector256.Create(shift);
            Vector256<double> s0 = Vector256<double>.Zero, s1 = Vector256<double>.Zero;
            Vector256<double> lo = Vector256.LoadUnsafe(ref p), hi = lo;
            for (; i <= n - 2 * Vector256<double>.Count; i += 2 * Vector256<double>.Count)
            {
                var a = Vector256.LoadUnsafe(ref p, (nuint)i);
                var b = Vector256.LoadUnsafe(ref p, (nuint)(i + Vector256<double>.Count));
                s0 += a - k;
                s1 += b - k;
                lo = Vector256.Min(lo, Vector256.Min(a, b));
                hi = Vector256.Max(hi, Vector256.Max(a, b));
            }

            sum = Vector256.Sum(s0 + s1);
            (min, max) = (MinAcross(lo, lo), MaxAcross(hi, hi));
        }
        else
        {
            return ShiftedSumMinMaxScalar(x, shift);
        }

        for (; i < n; i++)
        {
            var v = Unsafe.Add(ref p, i);
            sum += v - shift;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return (sum, min, max);
    }

    /// <summary>Scalar reference: Σ d and Σ d² with d = x − centre.</summary>
    public static (double Sum, double SumOfSquares) DeviationsScalar(ReadOnlySpan<double> x, double centre)
    {
        double s = 0, q = 0;
        foreach (var v in x)
        {
            var d = v - centre;
            s += d;
            q += d * d;
        }

        return (s, q);
    }

    /// <summary>Σ d and Σ d² with d = x − centre in one pass; with both, M2 = Σd² − (Σd)²/n is exact in exact
    /// arithmetic for any centre (the corrected two-pass formula of Chan, Golub and LeVeque), and Σd/n corrects the mean.</summary>
    public static (double Sum, double SumOfSquares) Deviations(ReadOnlySpan<double> x, double centre)
    {
        ref var p = ref MemoryMarshal.GetReference(x);
        var n = x.Length;
        var i = 0;
        double s, q;
        if (Vector512.IsHardwareAccelerated && n >= 2 * Vector512<double>.Count)
        {
            var m = Vector512.Create(centre);
            Vector512<double> s0 = Vector512<double>.Zero, s1 = Vector512<double>.Zero, q0 = Vector512<double>.Zero, q1 = Vector512<double>.Zero;
            for (; i <= n - 2 * Vector512<double>.Count; i += 2 * Vector512<double>.Count)
            {
                var a = Vector512.LoadUnsafe(ref p, (nuint)i) - m;
                var b = Vector512.LoadUnsafe(ref p, (nuint)(i + Vector512<double>.Count)) - m;
                s0 += a;
                s1 += b;
                q0 = Vector512.FusedMultiplyAdd(a, a, q0);
                q1 = Vector512.FusedMultiplyAdd(b, b, q1);
            }

            (s, q) = (Vector512.Sum(s0 + s1), Vector512.Sum(q0 + q1));
        }
        else if (Vector256.IsHardwareAccelerated && n >= 2 * Vector256<double>.Count)
        {
            var m = Vector256.Create(centre);
            Vector256<double> s0 = Vector256<double>.Zero, s1 = Vector256<double>.Zero, q0 = Vector256<double>.Zero, q1 = Vector256<double>.Zero;
            for (; i <= n - 2 * Vector256<double>.Count; i += 2 * Vector256<double>.Count)
            {
                var a = Vector256.LoadUnsafe(ref p, (nuint)i) - m;
                var b = Vector256.LoadUnsafe(ref p, (nuint)(i + Vector256<double>.Count)) - m;
                s0 += a;
                s1 += b;
                q0 = Vector256.FusedMultiplyAdd(a, a, q0);
                q1 = Vector256.FusedMultiplyAdd(b, b, q1);
            }

            (s, q) = (Vector256.Sum(s0 + s1), Vector256.Sum(q0 + q1));
        }
        else
        {
            return DeviationsScalar(x, centre);
        }

        for (; i < n; i++)
        {
            var d = Unsafe.Add(ref p, i) - centre;
            s += d;
            q += d * d;
        }

        return (s, q);
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
