using CohortKit.Experiments.Distributions;
using CohortKit.Randomness;

namespace CohortKit.Experiments.Bootstrap;

/// <summary>How a bootstrap interval is read off the resampled statistics.</summary>
public enum BootstrapMethod
{
    /// <summary>The α/2 and 1 − α/2 quantiles of the bootstrap distribution.</summary>
    Percentile = 0,

    /// <summary>Bias-corrected and accelerated (Efron 1987): quantiles shifted by the bias z₀ and the jackknife acceleration a.</summary>
    BCa = 1,
}

/// <summary>A bootstrap estimate of treatment − control with its interval.</summary>
/// <param name="Estimate">The observed difference in means.</param>
/// <param name="Interval">The percentile or BCa interval at level 1 − alpha.</param>
public sealed record BootstrapResult(double Estimate, CohortKit.Statistics.ConfidenceInterval Interval);

/// <summary>Seeded bootstrap confidence intervals for the difference in means (treatment − control), resampling each arm independently.</summary>
public static class BootstrapInterval
{
    /// <summary>Computes a bootstrap interval for mean(treatment) − mean(control).</summary>
    /// <param name="control">Control values (≥ 2).</param>
    /// <param name="treatment">Treatment values (≥ 2).</param>
    /// <param name="method">Percentile or BCa.</param>
    /// <param name="resamples">Number of bootstrap resamples (≥ 100).</param>
    /// <param name="seed">Seed; the same seed gives the same interval.</param>
    /// <param name="alpha">1 − confidence level.</param>
    /// <returns>The point estimate and the interval.</returns>
    /// <exception cref="ArgumentException">An arm has fewer than 2 values or a value is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">resamples or alpha is out of range.</exception>
    public static BootstrapResult DifferenceInMeans(ReadOnlySpan<double> control, ReadOnlySpan<double> treatment,
        BootstrapMethod method = BootstrapMethod.BCa, int resamples = 10_000, long seed = 42, double alpha = 0.05)
    {
        Guard.AtLeast(control.Length, 2, nameof(control), "The control arm");
        Guard.AtLeast(treatment.Length, 2, nameof(treatment), "The treatment arm");
        Guard.Finite(control, nameof(control));
        Guard.Finite(treatment, nameof(treatment));
        Guard.Alpha(alpha);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 100);
        double sc = Sum(control), st = Sum(treatment);
        var estimate = st / treatment.Length - sc / control.Length;
        var stats = new double[resamples];
        var rng = new Xoshiro256(unchecked((ulong)seed), 0);
        for (var b = 0; b < resamples; b++)
        {
            stats[b] = ResampleMean(treatment, ref rng) - ResampleMean(control, ref rng);
        }

        Array.Sort(stats);
        double lowQ = alpha / 2, highQ = 1 - alpha / 2;
        if (method == BootstrapMethod.BCa)
        {
            var below = 0;
            foreach (var s in stats) { if (s < estimate) { below++; } }
            var z0 = Probability.NormalQuantile(Math.Clamp((double)below / resamples, 1.0 / resamples, 1 - 1.0 / resamples));
            var a = Acceleration(control, treatment, sc, st);
            lowQ = Adjust(z0, a, Probability.NormalQuantile(alpha / 2));
            highQ = Adjust(z0, a, Probability.NormalQuantile(1 - alpha / 2));
        }

        return new BootstrapResult(estimate, new CohortKit.Statistics.ConfidenceInterval(Quantile(stats, lowQ), Quantile(stats, highQ), 1 - alpha));
    }

    /// <summary>The BCa quantile (Efron and Tibshirani 1993, eq. 14.10): Φ(z₀ + (z₀ + z) / (1 − a(z₀ + z))).</summary>
    internal static double Adjust(double z0, double a, double z) => Probability.NormalCdf(z0 + (z0 + z) / (1 - a * (z0 + z)));

    /// <summary>Jackknife acceleration for the two-sample difference in means (eq. 14.15), leaving out each observation of
    /// either arm: a = Σ(θ̄ − θᵢ)³ / (6 [Σ(θ̄ − θᵢ)²]^{3/2}).</summary>
    internal static double Acceleration(ReadOnlySpan<double> control, ReadOnlySpan<double> treatment, double sc, double st)
    {
        int nc = control.Length, nt = treatment.Length, n = nc + nt;
        var theta = new double[n];
        for (var i = 0; i < nt; i++) { theta[i] = (st - treatment[i]) / (nt - 1) - sc / nc; }
        for (var i = 0; i < nc; i++) { theta[nt + i] = st / nt - (sc - control[i]) / (nc - 1); }
        var mean = theta.Average();
        double num = 0, den = 0;
        foreach (var t in theta)
        {
            var d = mean - t;
            num += d * d * d;
            den += d * d;
        }

        return den == 0 ? 0 : num / (6 * Math.Pow(den, 1.5));
    }

    private static double ResampleMean(ReadOnlySpan<double> x, ref Xoshiro256 rng)
    {
        double s = 0;
        for (var i = 0; i < x.Length; i++) { s += x[rng.NextInt(x.Length)]; }
        return s / x.Length;
    }

    private static double Sum(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (var v in x) { s += v; }
        return s;
    }

    // Linear interpolation between order statistics (NumPy's default "linear" method).
    private static double Quantile(double[] sorted, double q)
    {
        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
