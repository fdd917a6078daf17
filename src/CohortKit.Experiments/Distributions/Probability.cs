using MathNet.Numerics;
using MathNet.Numerics.RootFinding;

namespace CohortKit.Experiments.Distributions;

/// <summary>Tail probabilities and quantiles computed for accuracy in the tails (no 1 − CDF cancellation).</summary>
internal static class Probability
{
    private const double InvSqrt2 = 0.70710678118654752440;

    /// <summary>Φ(x), the standard normal CDF.</summary>
    public static double NormalCdf(double x) => 0.5 * SpecialFunctions.Erfc(-x * InvSqrt2);

    /// <summary>1 − Φ(x) without cancellation.</summary>
    public static double NormalSurvival(double x) => 0.5 * SpecialFunctions.Erfc(x * InvSqrt2);

    /// <summary>Φ⁻¹(p).</summary>
    public static double NormalQuantile(double p) => -Math.Sqrt(2) * SpecialFunctions.ErfcInv(2 * p);

    /// <summary>Two-sided p-value of a standard normal statistic, 2·(1 − Φ(|z|)), at most 1.</summary>
    public static double NormalTwoSided(double z) => Math.Min(1, 2 * NormalSurvival(Math.Abs(z)));

    /// <summary>Two-sided p-value of a Student t statistic: I_{ν/(ν+t²)}(ν/2, 1/2).</summary>
    public static double StudentTTwoSided(double t, double df)
        => t == 0 ? 1 : SpecialFunctions.BetaRegularized(df / 2, 0.5, df / (df + t * t));

    /// <summary>P(T ≤ t) for Student's t with ν degrees of freedom.</summary>
    public static double StudentTCdf(double t, double df)
    {
        var tail = 0.5 * StudentTTwoSided(t, df);
        return t <= 0 ? tail : 1 - tail;
    }

    /// <summary>The Student t quantile, solved by Brent's method and polished by Newton steps on the exact CDF.</summary>
    public static double StudentTQuantile(double p, double df)
    {
        if (p == 0.5)
        {
            return 0;
        }

        if (p > 0.5)
        {
            return -StudentTQuantile(1 - p, df);
        }

        // Lower tail: the quantile is negative. Bracket generously, then polish.
        var x = Brent.FindRoot(v => StudentTCdf(v, df) - p, -1e7, 0, 1e-13, 500);
        for (var i = 0; i < 3; i++)
        {
            var f = StudentTCdf(x, df) - p;
            var density = Math.Exp(SpecialFunctions.GammaLn((df + 1) / 2) - SpecialFunctions.GammaLn(df / 2) - 0.5 * Math.Log(df * Math.PI)
                - (df + 1) / 2 * Math.Log(1 + x * x / df));
            if (density <= 0 || f == 0)
            {
                break;
            }

            x -= f / density;
        }

        return x;
    }

    /// <summary>Upper tail of the chi-square distribution, Q(ν/2, x/2).</summary>
    public static double ChiSquareSurvival(double x, double df) => x <= 0 ? 1 : SpecialFunctions.GammaUpperRegularized(df / 2, x / 2);

    /// <summary>CDF of the noncentral t distribution (Lenth 1989, AS 243), accurate to about 1e-12.</summary>
    public static double NoncentralTCdf(double t, double df, double delta)
    {
        var negative = t < 0;
        var tt = negative ? -t : t;
        var del = negative ? -delta : delta;
        double result = 0;
        var x = tt * tt / (tt * tt + df);
        if (x > 0)
        {
            var lambda = del * del;
            var p = 0.5 * Math.Exp(-0.5 * lambda);
            var q = Math.Sqrt(2 / Math.PI) * p * del;
            var s = 0.5 - p;
            var a = 0.5;
            var b = 0.5 * df;
            var rxb = Math.Pow(1 - x, b);
            var logBeta = SpecialFunctions.GammaLn(a) + SpecialFunctions.GammaLn(b) - SpecialFunctions.GammaLn(a + b);
            var xodd = SpecialFunctions.BetaRegularized(a, b, x);
            var godd = 2 * rxb * Math.Exp(a * Math.Log(x) - logBeta);
            var xeven = 1 - rxb;
            var geven = b * x * rxb;
            result = p * xodd + q * xeven;
            for (var en = 1; en <= 10_000; en++)
            {
                a += 1;
                xodd -= godd;
                xeven -= geven;
                godd *= x * (a + b - 1) / a;
                geven *= x * (a + b - 0.5) / (a + 0.5);
                p *= lambda / (2 * en);
                q *= lambda / (2 * en + 1);
                s -= p;
                result += p * xodd + q * xeven;
                if (2 * s * (xodd - godd) <= 1e-14 && en > 2)
                {
                    break;
                }
            }
        }

        result += NormalSurvival(del);
        result = negative ? 1 - result : result;
        return Math.Clamp(result, 0, 1);
    }
}
