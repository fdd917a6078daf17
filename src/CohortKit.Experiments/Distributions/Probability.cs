using MathNet.Numerics;

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

    /// <summary>The upper point of the normal with probability <paramref name="tail"/> above it, −Φ⁻¹(tail): for a small tail
    /// this keeps the digits that Φ⁻¹(1 − tail) loses when 1 − tail is rounded (α = 1e-10: 8e-8 relative in the tail).</summary>
    public static double NormalUpperQuantile(double tail) => -NormalQuantile(tail);

    /// <summary>The upper point of Student's t with probability <paramref name="tail"/> above it, without forming 1 − tail
    /// (see <see cref="NormalUpperQuantile"/>).</summary>
    public static double StudentTUpperQuantile(double tail, double df) => -StudentTQuantile(tail, df);

    /// <summary>The Student t quantile, solved on log scales by <see cref="FindRoot"/> and polished by Newton steps on the exact CDF.</summary>
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

        // Lower tail: the quantile is negative. Bracket |t| by powers of 16 (with ν below 1 the tail is so heavy that the
        // 2.5 % point lies beyond −1e16), then solve ln P(T ≤ −e^u) = ln p for u = ln|t|: on the log scale a tail of 1e-20
        // is as well resolved as one of 0.01, which a root finder stopping on |P − p| is not.
        var logP = Math.Log(p);
        double F(double u) => logP - Math.Log(StudentTCdf(-Math.Exp(u), df)); // increasing in u
        if (StudentTCdf(-1, df) <= p)
        {
            return Polish(FindRoot(v => StudentTCdf(v, df) - p, -1, 0, 1e-16), p, df);
        }

        var high = 16.0;
        while (StudentTCdf(-high, df) > p)
        {
            high *= 16;
            if (double.IsInfinity(high))
            {
                throw new ArgumentOutOfRangeException(nameof(df), df, $"The Student t quantile at {p} with {df} degrees of freedom is beyond the largest double.");
            }
        }

        return Polish(-Math.Exp(FindRoot(F, Math.Log(high / 16), Math.Log(high), 1e-16)), p, df);
    }

    /// <summary>The root of an increasing <paramref name="f"/> with f(a) &lt; 0 ≤ f(b), by regula falsi (Illinois) with every
    /// fourth step a bisection, until the bracket is narrower than <paramref name="tolerance"/>. Unlike MathNet's Brent it
    /// never stops on a small |f|: near a probability of 1e-16 or a power of 1 − 1e-10, f itself is that small.</summary>
    internal static double FindRoot(Func<double, double> f, double a, double b, double tolerance)
    {
        double fa = f(a), fb = f(b);
        var side = 0;
        for (var i = 0; i < 400 && b - a > tolerance; i++)
        {
            var c = i % 4 == 3 ? 0.5 * (a + b) : (a * fb - b * fa) / (fb - fa);
            if (!(c > a && c < b))
            {
                c = 0.5 * (a + b);
            }

            var fc = f(c);
            if (fc == 0)
            {
                return c;
            }

            if (fc < 0)
            {
                (a, fa) = (c, fc);
                if (side == -1)
                {
                    fb /= 2;
                }

                side = -1;
            }
            else
            {
                (b, fb) = (c, fc);
                if (side == 1)
                {
                    fa /= 2;
                }

                side = 1;
            }
        }

        return 0.5 * (a + b);
    }

    private static double Polish(double x, double p, double df)
    {
        for (var i = 0; i < 3; i++)
        {
            var f = StudentTCdf(x, df) - p;
            var density = Math.Exp(SpecialFunctions.GammaLn((df + 1) / 2) - SpecialFunctions.GammaLn(df / 2) - 0.5 * Math.Log(df * Math.PI)
                - (df + 1) / 2 * Math.Log(1 + x * x / df));
            if (density <= 0 || f == 0)
            {
                break;
            }

            var next = x - f / density;
            if (!double.IsFinite(next) || next >= 0)
            {
                break;
            }

            x = next;
        }

        return x;
    }

    /// <summary>Upper tail of the chi-square distribution, Q(ν/2, x/2).</summary>
    public static double ChiSquareSurvival(double x, double df) => x <= 0 ? 1 : SpecialFunctions.GammaUpperRegularized(df / 2, x / 2);

    /// <summary>P(T ≤ t) for the noncentral t distribution with ν degrees of freedom and noncentrality δ.</summary>
    /// <remarks>The Poisson-mixture series of incomplete beta functions (Lenth 1989), summed outwards from its largest term
    /// with the incomplete beta recurrences in both directions (as Boost's <c>non_central_t</c>, which SciPy's <c>nct</c>
    /// wraps). Lenth's AS 243 starts at the first term, whose weight exp(−δ²/2) underflows for δ &gt; 38: the far tail then
    /// read 0 (a power of 1 where statsmodels has 1 − 2e-6). The upper tail is summed on its own (complemented incomplete
    /// betas), so neither tail is computed as 1 minus the other where that would cancel.</remarks>
    public static double NoncentralTCdf(double t, double df, double delta) => NoncentralT(t, df, delta, upper: false);

    /// <summary>P(T &gt; t) for the noncentral t distribution, without 1 − CDF cancellation (see <see cref="NoncentralTCdf"/>).</summary>
    public static double NoncentralTSurvival(double t, double df, double delta) => NoncentralT(t, df, delta, upper: true);

    private static double NoncentralT(double t, double df, double delta, bool upper)
    {
        if (t < 0)
        {
            // T ≤ t ⇔ −T ≥ −t, and −T is noncentral t with −δ.
            return NoncentralT(-t, df, -delta, !upper);
        }

        if (delta == 0)
        {
            var tail = 0.5 * StudentTTwoSided(t, df);
            return upper ? tail : 1 - tail;
        }

        // For t ≥ 0:  P(T ≤ t) = Φ(−δ) + ½ Σ_j [P_j I_x(j+½, ν/2) + sgn(δ) Q_j I_x(j+1, ν/2)],
        //             P(T > t) =        ½ Σ_j [P_j Ī_x(j+½, ν/2) + sgn(δ) Q_j Ī_x(j+1, ν/2)],
        // with x = t²/(t²+ν), μ = δ²/2, P_j = e^−μ μ^j / j!, Q_j = e^−μ μ^(j+½) / Γ(j+3/2), Ī = 1 − I
        // (½ΣP_j = ½ and ½ΣQ_j = Φ(|δ|) − ½, so the two lines add to 1).
        var r = df / t / t; // ν/t², so that x = 1/(1+r) and y = 1 − x = r/(1+r) stay finite for any finite t
        if (r == 0)
        {
            return upper ? 0 : 1;
        }

        if (t == 0)
        {
            return upper ? NormalCdf(delta) : NormalCdf(-delta);
        }

        var series = NoncentralTSeries(1 / (1 + r), r / (1 + r), 0.5 * df, 0.5 * delta * delta, Math.Sign(delta), upper);
        var result = upper ? series : NormalCdf(-delta) + series;
        return Math.Clamp(result, 0, 1);
    }

    private static double NoncentralTSeries(double x, double y, double b, double mu, int sign, bool upper)
    {
        // Start at the largest term: the Poisson weights peak at j = μ, the incomplete betas fall (I) or rise (Ī) with j.
        var k = 0L;
        var best = -1.0;
        var center = x / y * b;
        foreach (var candidate in (ReadOnlySpan<double>)[mu, mu * x, Math.Min(mu, center), mu + 3 * Math.Sqrt(mu), Math.Max(0, mu - 3 * Math.Sqrt(mu))])
        {
            var j = (long)Math.Floor(Math.Max(0, Math.Min(candidate, 4e15)));
            var size = Math.Abs(Term(j, x, y, b, mu, sign, upper).Value);
            if (size > best)
            {
                best = size;
                k = j;
            }
        }

        if (best <= 0)
        {
            return 0; // every term underflows: the probability is below the smallest double
        }

        var start = Term(k, x, y, b, mu, sign, upper);
        var sum = start.Value;
        var scale = Math.Abs(start.Value);
        Walk(forward: true);
        Walk(forward: false);
        return 0.5 * sum;

        // From the largest term outwards until the terms are negligible and still falling. Subtracting recurrences (I
        // forward, Ī backward) lose digits when the step is most of the value: track the loss and recompute the term
        // directly once it passes a factor 64 (two decimal digits).
        void Walk(bool forward)
        {
            var term = start;
            var previous = double.PositiveInfinity;
            var loss = 1.0;
            var subtracting = forward != upper;
            for (var j = forward ? k + 1 : k - 1; j >= 0; j += forward ? 1 : -1)
            {
                var before = term;
                term = forward ? term.Next(j, x, b, mu, upper) : term.Previous(j, x, b, mu, upper);
                if (subtracting)
                {
                    loss *= Math.Max(Amplification(before.B1, term.B1), Amplification(before.B2, term.B2));
                    if (loss > 64)
                    {
                        term = Term(j, x, y, b, mu, sign, upper);
                        loss = 1;
                    }
                }

                var size = Math.Abs(term.PTerm) + Math.Abs(term.QTerm);
                sum += term.Value;
                scale += size;
                if ((size <= 1e-17 * scale && size <= previous) || size == 0)
                {
                    return;
                }

                previous = size;
            }
        }
    }

    /// <summary>e^−μ μ^k / Γ(k+1) for real k ≥ 0 and μ &gt; 0, by Loader's saddle-point form (as R's <c>dpois_raw</c>):
    /// exp(−stirlerr(k) − bd0(k, μ)) / √(2πk). Written as exp(−μ + k ln μ − ln Γ(k+1)) it loses about μ·ln μ ulps (1e-12
    /// relative at μ = 2,000), which the noncentral t's far tail, a difference of such weights, cannot afford.</summary>
    internal static double PoissonWeight(double k, double mu)
    {
        if (k == 0)
        {
            return Math.Exp(-mu);
        }

        return Math.Exp(-StirlingError(k) - DevianceTerm(k, mu)) / Math.Sqrt(2 * Math.PI * k);
    }

    /// <summary>ln Γ(k+1) − [(k+½) ln k − k + ½ ln 2π], the error of Stirling's formula.</summary>
    private static double StirlingError(double k)
    {
        const double S0 = 1.0 / 12, S1 = 1.0 / 360, S2 = 1.0 / 1260, S3 = 1.0 / 1680, S4 = 1.0 / 1188;
        if (k <= 15)
        {
            return SpecialFunctions.GammaLn(k + 1) - (k + 0.5) * Math.Log(k) + k - 0.5 * Math.Log(2 * Math.PI);
        }

        var kk = k * k;
        return k > 500 ? (S0 - S1 / kk) / k
            : k > 80 ? (S0 - (S1 - S2 / kk) / kk) / k
            : k > 35 ? (S0 - (S1 - (S2 - S3 / kk) / kk) / kk) / k
            : (S0 - (S1 - (S2 - (S3 - S4 / kk) / kk) / kk) / kk) / k;
    }

    /// <summary>k ln(k/μ) + μ − k, summed as a series when k is near μ (where the three terms cancel).</summary>
    private static double DevianceTerm(double k, double mu)
    {
        if (Math.Abs(k - mu) < 0.1 * (k + mu))
        {
            var v = (k - mu) / (k + mu);
            var sum = (k - mu) * v;
            var ej = 2 * k * v;
            v *= v;
            for (var j = 1; j < 1000; j++)
            {
                ej *= v;
                var next = sum + ej / (2 * j + 1);
                if (next == sum)
                {
                    return next;
                }

                sum = next;
            }

            return sum;
        }

        return k * Math.Log(k / mu) + mu - k;
    }

    /// <summary>ln(1 − y) for y ≤ ½, accurate for tiny y.</summary>
    private static double LogOneMinus(double y) => y < 1e-4 ? -y * (1 + y * (0.5 + y * (1.0 / 3 + y * 0.25))) : Math.Log(1 - y);

    /// <summary>How much relative error a subtracting step multiplies: |before| / |after| when the value shrank.</summary>
    private static double Amplification(double before, double after) => after >= before || before == 0 ? 1 : after == 0 ? double.PositiveInfinity : before / after;

    private static NoncentralTTerm Term(long j, double x, double y, double b, double mu, int sign, bool upper)
    {
        var a1 = j + 0.5;
        var a2 = j + 1.0;
        var p = PoissonWeight(j, mu);
        var q = sign * PoissonWeight(j + 0.5, mu);
        return new NoncentralTTerm(p, q, Beta(a1), Beta(a2), G(a1), G(a2), sign);

        // I_x(a, b) and Ī = I_y(b, a) by the continued fraction on the side where the value is the smaller one (x below the
        // switch point (a+1)/(a+b+2)), the other as 1 minus it; y = 1 − x is passed as computed from ν/t², because for
        // t² ≫ ν x rounds to 1 and only y still carries the tail (ν = 0.1, t = 1.7e12: y = 3.5e-26).
        double Beta(double a)
        {
            var smallIsI = x < (a + 1) / (a + b + 2);
            var i = smallIsI ? SpecialFunctions.BetaRegularized(a, b, x) : SpecialFunctions.BetaRegularized(b, a, y);
            return upper == smallIsI ? 1 - i : i;
        }

        // g(a) = x^a y^b / (a B(a, b)): I_x(a+1, b) = I_x(a, b) − g(a).
        double G(double a) => Math.Exp(a * (x <= 0.5 ? Math.Log(x) : LogOneMinus(y)) + b * Math.Log(y) + SpecialFunctions.GammaLn(a + b) - SpecialFunctions.GammaLn(a + 1) - SpecialFunctions.GammaLn(b));
    }

    /// <summary>One term of the noncentral t series: the Poisson weights, the incomplete betas and their recurrence steps.</summary>
    private readonly record struct NoncentralTTerm(double P, double Q, double B1, double B2, double G1, double G2, int Sign)
    {
        public double PTerm => P * B1;

        public double QTerm => Q * B2;

        public double Value => PTerm + QTerm;

        /// <summary>The term j from the term j − 1.</summary>
        public NoncentralTTerm Next(long j, double x, double b, double mu, bool upper)
        {
            double a1 = j - 0.5, a2 = j;
            var b1 = upper ? B1 + G1 : B1 - G1;
            var b2 = upper ? B2 + G2 : B2 - G2;
            return new NoncentralTTerm(P * mu / j, Q * mu / (j + 0.5), Math.Clamp(b1, 0, 1), Math.Clamp(b2, 0, 1),
                G1 * x * (a1 + b) / (a1 + 1), G2 * x * (a2 + b) / (a2 + 1), Sign);
        }

        /// <summary>The term j from the term j + 1.</summary>
        public NoncentralTTerm Previous(long j, double x, double b, double mu, bool upper)
        {
            double a1 = j + 1.5, a2 = j + 2.0; // the parameters of this term's successor
            var g1 = G1 * a1 / (x * (a1 - 1 + b));
            var g2 = G2 * a2 / (x * (a2 - 1 + b));
            var b1 = upper ? B1 - g1 : B1 + g1;
            var b2 = upper ? B2 - g2 : B2 + g2;
            return new NoncentralTTerm(P * (j + 1) / mu, Q * (j + 1.5) / mu, Math.Clamp(b1, 0, 1), Math.Clamp(b2, 0, 1), g1, g2, Sign);
        }
    }
}
