using System.Numerics;

namespace CohortKit.Core.Tests.Metrics;

/// <summary>Exact mean and sum of squared deviations of doubles in rational arithmetic: every double is an integer times a
/// power of two, so with the smallest exponent as a common scale, Σx and n·Σx² − (Σx)² are exact <see cref="BigInteger"/>s.
/// Only the final division is rounded (to about 2⁻⁷⁰ relative). The independent oracle for MetricSummary's accuracy.</summary>
internal static class ExactMoments
{
    public static (double Mean, double M2) Of(IReadOnlyList<double> x)
    {
        var n = x.Count;
        var parts = new (BigInteger Mantissa, int Exponent)[n];
        var minExponent = int.MaxValue;
        for (var i = 0; i < n; i++)
        {
            parts[i] = Decompose(x[i]);
            if (parts[i].Mantissa != 0) { minExponent = Math.Min(minExponent, parts[i].Exponent); }
        }

        if (minExponent == int.MaxValue) { return (0, 0); }
        BigInteger s1 = 0, s2 = 0;
        foreach (var (m, e) in parts)
        {
            var a = m << (e - minExponent);
            s1 += a;
            s2 += a * a;
        }

        var mean = Divide(s1, n, minExponent);
        var m2 = Divide(n * s2 - s1 * s1, n, 2 * minExponent);
        return (mean, m2);
    }

    private static (BigInteger Mantissa, int Exponent) Decompose(double v)
    {
        var bits = BitConverter.DoubleToInt64Bits(v);
        var negative = bits < 0;
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0) { exponent = 1; } else { mantissa |= 1L << 52; }
        var m = negative ? -(BigInteger)mantissa : mantissa;
        return (m, exponent - 1075);
    }

    /// <summary>num / den · 2^scale rounded to double via a 70-bit quotient.</summary>
    private static double Divide(BigInteger num, BigInteger den, int scale)
    {
        if (num.IsZero) { return 0; }
        var sign = num.Sign;
        num = BigInteger.Abs(num);
        var shift = (int)(den.GetBitLength() - num.GetBitLength()) + 70;
        var q = shift >= 0 ? (num << shift) / den : num / (den << -shift);
        return sign * Math.ScaleB((double)q, scale - shift);
    }
}
