using CohortKit.Statistics;

namespace CohortKit.Experiments.Effects;

/// <summary>A relative effect (treatment / control − 1) with its delta-method interval.</summary>
/// <param name="Effect">treatment / control − 1.</param>
/// <param name="Interval">The interval at the level of the test's absolute interval.</param>
public readonly record struct RelativeEstimate(double Effect, ConfidenceInterval Interval);

/// <summary>Relative effect (treatment / control − 1) with a delta-method confidence interval. The interval uses the same
/// critical value as the test's absolute interval (Student t with Welch's df, t with G − 1 df for clusters, z for
/// proportions), so the two intervals agree on whether zero is excluded.</summary>
public static class RelativeEffect
{
    /// <summary>Computes the relative effect of independent arm means and its delta-method interval:
    /// Var(r) ≈ se_t² / m_c² + m_t² · se_c² / m_c⁴, interval r ± c · √Var(r) with the caller's critical value c.</summary>
    /// <param name="controlMean">Control mean m_c.</param>
    /// <param name="controlStandardError">Standard error of m_c.</param>
    /// <param name="treatmentMean">Treatment mean m_t.</param>
    /// <param name="treatmentStandardError">Standard error of m_t.</param>
    /// <param name="criticalValue">The two-sided critical value of the test's absolute interval (e.g. t_{1−α/2, df}), positive and finite.</param>
    /// <param name="level">The confidence level that critical value gives, in (0, 1).</param>
    /// <returns>The estimate, or <see langword="null"/> when the control mean is 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException">criticalValue is not positive and finite, or level is outside (0, 1).</exception>
    public static RelativeEstimate? Compute(double controlMean, double controlStandardError, double treatmentMean, double treatmentStandardError, double criticalValue, double level)
        => Compute(controlMean, controlStandardError * controlStandardError, treatmentMean, treatmentStandardError * treatmentStandardError, 0, criticalValue, level);

    /// <summary>Computes the relative effect when the arm means are correlated:
    /// Var(r) ≈ v_t / m_c² + m_t² · v_c / m_c⁴ − 2 · m_t · c / m_c³.</summary>
    /// <param name="controlMean">Control mean m_c.</param>
    /// <param name="controlVariance">Variance of m_c.</param>
    /// <param name="treatmentMean">Treatment mean m_t.</param>
    /// <param name="treatmentVariance">Variance of m_t.</param>
    /// <param name="covariance">Covariance of m_c and m_t.</param>
    /// <param name="criticalValue">The two-sided critical value of the test's absolute interval, positive and finite.</param>
    /// <param name="level">The confidence level that critical value gives, in (0, 1).</param>
    /// <returns>The estimate, or <see langword="null"/> when the control mean is 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException">criticalValue is not positive and finite, or level is outside (0, 1).</exception>
    public static RelativeEstimate? Compute(double controlMean, double controlVariance, double treatmentMean, double treatmentVariance, double covariance, double criticalValue, double level)
    {
        Guard.Probability(level, nameof(level));
        if (!(criticalValue > 0 && double.IsFinite(criticalValue)))
        {
            throw new ArgumentOutOfRangeException(nameof(criticalValue), criticalValue, "criticalValue must be positive and finite.");
        }

        if (controlMean == 0)
        {
            return null;
        }

        var r = treatmentMean / controlMean - 1;
        var mc2 = controlMean * controlMean;
        var variance = treatmentVariance / mc2 + treatmentMean * treatmentMean * controlVariance / (mc2 * mc2)
                     - 2 * treatmentMean * covariance / (mc2 * controlMean);
        var half = criticalValue * Math.Sqrt(Math.Max(0, variance));
        return new RelativeEstimate(r, new ConfidenceInterval(r - half, r + half, level));
    }
}
