using CohortKit.Experiments.Distributions;
using CohortKit.Experiments.Effects;

namespace CohortKit.Experiments.Ratio;

/// <summary>
/// Ratio metrics (e.g. lessons per session) where the unit of randomisation is the learner: R = Σ numerator / Σ denominator
/// per arm, with the delta-method variance Var(R) ≈ (s²_num − 2R·s_num,den + R²·s²_den) / (n · mean(den)²).
/// </summary>
public static class RatioMetric
{
    /// <summary>Estimates one arm's ratio and its standard error.</summary>
    /// <param name="numerator">Numerator per unit.</param>
    /// <param name="denominator">Denominator per unit (mean must be non-zero).</param>
    /// <returns>The ratio, its standard error and the number of units.</returns>
    /// <exception cref="ArgumentException">Lengths differ, fewer than 2 units, a value is not finite, or the denominators sum to 0.</exception>
    public static RatioEstimate Estimate(ReadOnlySpan<double> numerator, ReadOnlySpan<double> denominator)
    {
        if (numerator.Length != denominator.Length)
        {
            throw new ArgumentException($"numerator ({numerator.Length}) and denominator ({denominator.Length}) must have equal lengths.", nameof(denominator));
        }

        Guard.AtLeast(numerator.Length, 2, nameof(numerator), "The arm");
        Guard.Finite(numerator, nameof(numerator));
        Guard.Finite(denominator, nameof(denominator));
        var n = numerator.Length;
        double mx = 0, my = 0;
        for (var i = 0; i < n; i++) { mx += numerator[i]; my += denominator[i]; }
        mx /= n;
        my /= n;
        if (my == 0)
        {
            throw new ArgumentException("The denominators sum to 0; the ratio is undefined.", nameof(denominator));
        }

        double sxx = 0, syy = 0, sxy = 0;
        for (var i = 0; i < n; i++)
        {
            double dx = numerator[i] - mx, dy = denominator[i] - my;
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
        }

        sxx /= n - 1;
        syy /= n - 1;
        sxy /= n - 1;
        var r = mx / my;
        var variance = Math.Max(0, (sxx - 2 * r * sxy + r * r * syy) / (n * my * my));
        return new RatioEstimate(r, Math.Sqrt(variance), n);
    }

    /// <summary>Compares the ratio between arms (normal interval on the difference, delta-method relative interval).</summary>
    /// <param name="controlNumerator">Control numerators.</param>
    /// <param name="controlDenominator">Control denominators.</param>
    /// <param name="treatmentNumerator">Treatment numerators.</param>
    /// <param name="treatmentDenominator">Treatment denominators.</param>
    /// <param name="alpha">Significance level.</param>
    /// <returns>The result (<see cref="TwoSampleTest.Ratio"/>; statistic is z).</returns>
    public static TwoSampleResult Compare(ReadOnlySpan<double> controlNumerator, ReadOnlySpan<double> controlDenominator,
        ReadOnlySpan<double> treatmentNumerator, ReadOnlySpan<double> treatmentDenominator, double alpha = 0.05)
    {
        Guard.Alpha(alpha);
        var (rc, sec, nc) = Estimate(controlNumerator, controlDenominator);
        var (rt, set, nt) = Estimate(treatmentNumerator, treatmentDenominator);
        var se = Math.Sqrt(sec * sec + set * set);
        if (!(se > 0))
        {
            throw new ArgumentException("Both arms' ratios have zero variance.", nameof(treatmentNumerator));
        }

        var diff = rt - rc;
        var z = diff / se;
        var critical = Probability.NormalUpperQuantile(alpha / 2);
        var relative = RelativeEffect.Compute(rc, sec, rt, set, critical, 1 - alpha);
        return TwoSampleResult.Create(TwoSampleTest.Ratio, nc, nt, rc, rt, se, critical, relative, Probability.NormalTwoSided(z), z, null, alpha);
    }
}

/// <summary>One arm's ratio metric (Σ numerator / Σ denominator) with its delta-method standard error.</summary>
/// <param name="Ratio">The ratio of the means.</param>
/// <param name="StandardError">Its standard error.</param>
/// <param name="N">The number of units.</param>
public readonly record struct RatioEstimate(double Ratio, double StandardError, long N);
