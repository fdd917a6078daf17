using MathNet.Numerics;

namespace CohortKit.Experiments.Hypothesis;

/// <summary>A Kolmogorov–Smirnov test against the uniform distribution.</summary>
/// <param name="D">sup |Fₙ(x) − x|.</param>
/// <param name="PValue">The exact two-sided p-value.</param>
public sealed record KsResult(double D, double PValue);

/// <summary>
/// The one-sample two-sided Kolmogorov–Smirnov test against the uniform distribution on [0, 1] (used to check that
/// A/A p-values are uniform), as <c>scipy.stats.kstest(values, "uniform")</c> with <c>method="auto"</c>: the exact
/// distribution of Dₙ at every n, as SciPy's <c>kstwo.sf</c> (Simard and L'Ecuyer's selection of Durbin's matrix,
/// Pomeranz's recursion, the Pelz–Good expansion and twice the exact one-sided Smirnov tail). The limiting Kolmogorov
/// distribution is never used for the p-value: above n = 10,000 it differs from SciPy by about 1 %.
/// </summary>
public static class KolmogorovSmirnovTest
{
    /// <summary>Tests whether values look uniform on [0, 1].</summary>
    /// <param name="values">The sample (at least one value, each finite).</param>
    /// <returns>D = sup |Fₙ(x) − x| and its p-value.</returns>
    /// <exception cref="ArgumentException">The sample is empty or has a non-finite value.</exception>
    public static KsResult Uniform(ReadOnlySpan<double> values)
    {
        Guard.AtLeast(values.Length, 1, nameof(values), "The sample");
        Guard.Finite(values, nameof(values));
        var x = values.ToArray();
        Array.Sort(x);
        var n = x.Length;
        double dPlus = 0, dMinus = 0;
        for (var i = 0; i < n; i++)
        {
            var f = Math.Clamp(x[i], 0, 1);
            dPlus = Math.Max(dPlus, (i + 1.0) / n - f);
            dMinus = Math.Max(dMinus, f - (double)i / n);
        }

        var d = Math.Max(dPlus, dMinus);
        var p = Survival(n, d);
        return new KsResult(d, Math.Clamp(p, 0, 1));
    }

    /// <summary>P(Dₙ ≥ d) by the Simard–L'Ecuyer selection of methods.</summary>
    internal static double Survival(int n, double x)
    {
        if (x >= 1) { return 0; }
        if (x <= 0) { return 1; }
        var t = n * x;
        if (t <= 1)
        {
            if (t <= 0.5) { return 1; }
            // Ruben–Gambino: P(Dₙ ≤ x) = n!/nⁿ (2t − 1)ⁿ.
            var logCdf = SpecialFunctions.FactorialLn(n) - n * Math.Log(n) + n * Math.Log(2 * t - 1);
            return 1 - Math.Exp(logCdf);
        }

        if (t >= n - 1) { return 2 * Math.Pow(1 - x, n); }
        if (x >= 0.5) { return 2 * SmirnovSurvival(n, x); }
        var nx2 = t * x;
        if (n <= 140)
        {
            if (nx2 <= 0.754693) { return 1 - DurbinCdf(n, x); }
            if (nx2 <= 4) { return 1 - PomeranzCdf(n, x); }
            return 2 * SmirnovSurvival(n, x);
        }

        if (nx2 >= 370) { return 0; }
        if (nx2 >= 2.2) { return 2 * SmirnovSurvival(n, x); }
        var cdf = n <= 100_000 && n * Math.Pow(x, 1.5) <= 1.4 ? DurbinCdf(n, x) : PelzGoodCdf(n, x);
        return 1 - cdf;
    }

    /// <summary>The exact one-sided tail P(Dₙ⁺ ≥ d) (Birnbaum–Tingey sum, in logs).</summary>
    internal static double SmirnovSurvival(int n, double d)
    {
        if (d <= 0) { return 1; }
        if (d >= 1) { return 0; }
        var last = (int)Math.Floor(n * (1 - d));
        double sum = 0;
        var logNFact = SpecialFunctions.FactorialLn(n);
        for (var j = 0; j <= last; j++)
        {
            var a = 1 - d - (double)j / n;
            var b = d + (double)j / n;
            if (a <= 0) { continue; }
            var logTerm = logNFact - SpecialFunctions.FactorialLn(j) - SpecialFunctions.FactorialLn(n - j)
                        + (n - j) * Math.Log(a) + (j - 1) * Math.Log(b);
            sum += Math.Exp(logTerm);
        }

        return d * sum;
    }

    /// <summary>Durbin's matrix method as arranged by Marsaglia, Tsang and Wang: P(Dₙ ≤ d).</summary>
    internal static double DurbinCdf(int n, double d)
    {
        var nd = n * d;
        if (nd <= 0.5) { return 0; }
        var k = (int)Math.Ceiling(nd);
        var h = k - nd;
        var m = 2 * k - 1;
        var hm = new double[m, m];
        var v = new double[m];
        var w = new double[m];
        double fac = 1;
        for (var j = 1; j <= m; j++)
        {
            w[j - 1] = fac;
            fac /= j;
            v[j - 1] = (1 - Math.Pow(h, j)) * fac;
        }

        var tt = Math.Pow(Math.Max(2 * h - 1, 0), m) - 2 * Math.Pow(h, m);
        v[m - 1] = (1 + tt) * fac;
        for (var i = 1; i < m; i++)
        {
            for (var r = i - 1; r < m; r++)
            {
                hm[r, i] = w[r - i + 1];
            }
        }

        for (var r = 0; r < m; r++) { hm[r, 0] = v[r]; }
        for (var c = 0; c < m; c++) { hm[m - 1, c] = v[m - 1 - c]; }

        // Scaled binary powering: track exponents separately so nothing overflows.
        var power = Identity(m);
        var exponent = 0;
        var hExponent = 0;
        var nn = n;
        const double Big = 3.402823669209385e38; // 2^128
        while (nn > 0)
        {
            if ((nn & 1) == 1)
            {
                power = Multiply(power, hm);
                exponent += hExponent;
            }

            hm = Multiply(hm, hm);
            hExponent *= 2;
            if (Math.Abs(hm[k - 1, k - 1]) > Big)
            {
                Scale(hm, 1 / Big);
                hExponent += 128;
            }

            nn >>= 1;
        }

        var p = power[k - 1, k - 1];
        for (var i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < 1 / Big)
            {
                p *= Big;
                exponent -= 128;
            }
        }

        return Math.Clamp(Math.ScaleB(p, exponent), 0, 1);
    }

    /// <summary>Pomeranz's recursion: P(Dₙ ≤ x).</summary>
    internal static double PomeranzCdf(int n, double x)
    {
        var t = n * x;
        var ll = (int)Math.Floor(t);
        var f = t - ll;
        var g = Math.Min(f, 1 - f);
        var ceilf = f > 0 ? 1 : 0;
        var roundf = f > 0.5 ? 1 : 0;
        var npwrs = 2 * (ll + 1);
        var gpower = new double[npwrs];
        var twogpower = new double[npwrs];
        var onem2gpower = new double[npwrs];
        gpower[0] = twogpower[0] = onem2gpower[0] = 1;
        for (var m = 1; m < npwrs; m++)
        {
            gpower[m] = gpower[m - 1] * g / n / m;
            twogpower[m] = twogpower[m - 1] * 2 * g / n / m;
            onem2gpower[m] = onem2gpower[m - 1] * (1 - 2 * g) / n / m;
        }

        const double Big = 3.402823669209385e38;
        var v0 = new double[npwrs];
        var v1 = new double[npwrs];
        v1[0] = 1;
        int v0s = 0, v1s = 0, expnt = 0;
        var (j1, _) = PomeranzBounds(0, n, ll, ceilf, roundf);
        var conv = new double[2 * npwrs];
        for (var i = 1; i < 2 * n + 2; i++)
        {
            var k1 = j1;
            (v0, v1) = (v1, v0);
            (v0s, v1s) = (v1s, v0s);
            Array.Clear(v1);
            int j2;
            (j1, j2) = PomeranzBounds(i, n, ll, ceilf, roundf);
            var pw = i == 1 || i == 2 * n + 1 ? gpower : (i % 2 == 1 ? twogpower : onem2gpower);
            var ln2 = j2 - k1 + 1;
            if (ln2 <= 0)
            {
                continue;
            }

            // Full convolution of V0[k1 - v0s .. +ln2) with pw[0..ln2).
            Array.Clear(conv);
            for (var a = 0; a < ln2; a++)
            {
                var va = v0[k1 - v0s + a];
                if (va == 0) { continue; }
                for (var b = 0; b < ln2; b++) { conv[a + b] += va * pw[b]; }
            }

            var convStart = j1 - k1;
            var convLength = j2 - j1 + 1;
            var max = 0.0;
            for (var c = 0; c < convLength; c++)
            {
                v1[c] = conv[convStart + c];
                max = Math.Max(max, v1[c]);
            }

            if (max > 0 && max < 1 / Big)
            {
                for (var c = 0; c < convLength; c++) { v1[c] *= Big; }
                expnt -= 128;
            }

            v1s = v0s + j1 - k1;
        }

        var ans = v1[n - v1s];
        for (var m = 1; m <= n; m++)
        {
            if (Math.Abs(ans) > Big)
            {
                ans /= Big;
                expnt += 128;
            }

            ans *= m;
        }

        return Math.Clamp(Math.ScaleB(ans, expnt), 0, 1);
    }

    private static (int J1, int J2) PomeranzBounds(int i, int n, int ll, int ceilf, int roundf)
    {
        int j1, j2;
        if (i == 0)
        {
            (j1, j2) = (-ll - ceilf - 1, ll + ceilf - 1);
        }
        else
        {
            int half = (i + 1) / 2, odd = (i + 1) % 2;
            if (odd == 0)
            {
                (j1, j2) = half == n + 1
                    ? (n - ll - ceilf - 1, n + ll + ceilf - 1)
                    : (half - 1 - ll - roundf - 1, half + ll - 1 + ceilf - 1);
            }
            else
            {
                (j1, j2) = (half - 1 - ll - 1, half + ll + roundf - 1);
            }
        }

        return (Math.Max(j1 + 2, 0), Math.Min(j2, n));
    }

    /// <summary>The Pelz–Good asymptotic expansion of P(Dₙ ≤ x).</summary>
    internal static double PelzGoodCdf(int n, double x)
    {
        if (x <= 0) { return 0; }
        if (x >= 1) { return 1; }
        var z = Math.Sqrt(n) * x;
        double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
        double pi2 = Math.PI * Math.PI, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
        var qlog = -pi2 / 8 / z2;
        if (qlog < -708) { return 0; }
        var q = Math.Exp(qlog);
        double k1a = -z2, k1b = pi2 / 4;
        double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16;
        double k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16, k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * z4 * z4;
        Span<double> k = stackalloc double[4];
        var maxk = (int)Math.Ceiling(16 * z / Math.PI);
        for (var kk = maxk; kk > 0; kk--)
        {
            double m = 2 * kk - 1, m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
            var qp = Math.Pow(q, 8 * kk);
            k[0] = k[0] * qp + 1;
            k[1] = k[1] * qp + k1a + k1b * m2;
            k[2] = k[2] * qp + k2a + k2b * m2 + k2c * m4;
            k[3] = k[3] * qp + k3a + k3b * m2 + k3c * m4 + k3d * m6;
        }

        var sqrt2Pi = Math.Sqrt(2 * Math.PI);
        k[0] *= q * sqrt2Pi / z;
        k[1] *= q * sqrt2Pi / (6 * z4);
        k[2] *= q * sqrt2Pi / (72 * z3 * z4);
        k[3] *= q * sqrt2Pi / (6480 * z4 * z6);
        var q2 = Math.Exp(-pi2 / 2 / z2);
        double k2extra = 0, k3extra = 0;
        var sqrt3z = Math.Sqrt(3) * z;
        for (var kk = maxk; kk > 0; kk--)
        {
            double ks2 = (double)kk * kk, kspi = Math.PI * kk;
            var qpw = Math.Pow(q2, ks2);
            k2extra += ks2 * qpw;
            k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qpw;
        }

        k[2] += k2extra * pi2 * sqrt2Pi / (-36 * z3);
        k[3] += k3extra * pi2 * sqrt2Pi / (216 * z6);
        return k[0] + k[1] / Math.Sqrt(n) + k[2] / n + k[3] / (n * Math.Sqrt(n));
    }

    private static double[,] Identity(int m)
    {
        var a = new double[m, m];
        for (var i = 0; i < m; i++) { a[i, i] = 1; }
        return a;
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var m = a.GetLength(0);
        var c = new double[m, m];
        for (var i = 0; i < m; i++)
        {
            for (var l = 0; l < m; l++)
            {
                var ail = a[i, l];
                if (ail == 0) { continue; }
                for (var j = 0; j < m; j++) { c[i, j] += ail * b[l, j]; }
            }
        }

        return c;
    }

    private static void Scale(double[,] a, double factor)
    {
        var m = a.GetLength(0);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < m; j++) { a[i, j] *= factor; }
        }
    }
}
