using CohortKit.Experiments.Distributions;
using CohortKit.Statistics;

namespace CohortKit.Experiments.Effects;

/// <summary>The Wilson score interval of a binomial proportion (statsmodels <c>proportion_confint(method="wilson")</c>): the
/// one implementation behind every rate's interval (Temporal's retention cells and discrete hazards, Segmentation's 0/1
/// metrics). Unlike the Wald or t interval it never leaves [0, 1].</summary>
public static class WilsonInterval
{
    /// <summary>The interval of <paramref name="successes"/> out of <paramref name="trials"/> at level 1 − <paramref name="alpha"/>.</summary>
    /// <param name="successes">Successes, in [0, trials].</param>
    /// <param name="trials">Trials, at least 1.</param>
    /// <param name="alpha">1 − the confidence level, in (0, 1).</param>
    /// <returns>The interval.</returns>
    /// <exception cref="ArgumentOutOfRangeException">trials is below 1, successes is outside [0, trials], or alpha is outside (0, 1).</exception>
    public static ConfidenceInterval Compute(long successes, long trials, double alpha = 0.05)
    {
        Guard.Alpha(alpha);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        if (successes < 0 || successes > trials)
        {
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"successes must be in [0, trials = {trials}].");
        }

        return Of(successes, trials, Critical(1 - alpha), 1 - alpha);
    }

    /// <summary>The two-sided critical value of the standard normal at <paramref name="level"/>.</summary>
    internal static double Critical(double level) => Probability.NormalQuantile(1 - (1 - level) / 2);

    /// <summary>The interval of <paramref name="successes"/> out of <paramref name="trials"/> (trials ≥ 1), with <paramref name="z"/> from <see cref="Critical"/>.</summary>
    internal static ConfidenceInterval Of(long successes, long trials, double z, double level)
    {
        double n = trials, p = successes / n, z2 = z * z;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2 * n)) / denominator;
        var half = z / denominator * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        // At p = 0 or 1 the bound is exactly 0 or 1 (as statsmodels); rounding would otherwise leave the estimate outside.
        return new ConfidenceInterval(successes == 0 ? 0 : Math.Max(0, centre - half), successes == trials ? 1 : Math.Min(1, centre + half), level);
    }
}
