using CohortKit.Experiments.Distributions;
using CohortKit.Statistics;

namespace CohortKit.Temporal.Rates;

/// <summary>The Wilson score interval of a binomial proportion (statsmodels <c>proportion_confint(method="wilson")</c>), the
/// one implementation every rate in this package (retention cells, discrete hazards) reports.</summary>
internal static class WilsonInterval
{
    /// <summary>The two-sided critical value of the standard normal at <paramref name="level"/>.</summary>
    public static double Critical(double level) => Probability.NormalQuantile(1 - (1 - level) / 2);

    /// <summary>The interval of <paramref name="successes"/> out of <paramref name="trials"/> (trials ≥ 1), with <paramref name="z"/> from <see cref="Critical"/>.</summary>
    public static ConfidenceInterval Of(long successes, long trials, double z, double level)
    {
        double n = trials, p = successes / n, z2 = z * z;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2 * n)) / denominator;
        var half = z / denominator * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        // At p = 0 or 1 the bound is exactly 0 or 1 (as statsmodels); rounding would otherwise leave the estimate outside.
        return new ConfidenceInterval(successes == 0 ? 0 : Math.Max(0, centre - half), successes == trials ? 1 : Math.Min(1, centre + half), level);
    }
}
