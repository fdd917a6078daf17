using CohortKit.Experiments.Distributions;
using CohortKit.Metrics;
using CohortKit.Statistics;

namespace CohortKit.Experiments.Effects;

/// <summary>The confidence interval of one group's mean: mean ± t_{1−α/2, n−1} · s / √n, as
/// <c>scipy.stats.t.interval(1 − α, n − 1, loc=mean, scale=scipy.stats.sem(values))</c>.</summary>
/// <remarks>Used wherever a package reports a mean with its interval (Segmentation's segment tables), so that there is one
/// implementation. For a 0/1 metric it is the t interval of the rate, which is within a hair of the Wald interval at the
/// sizes a segment table reports.</remarks>
public static class MeanInterval
{
    /// <summary>Computes the interval from a summary.</summary>
    /// <param name="summary">The group's summary, with at least 2 observations.</param>
    /// <param name="alpha">Significance level: the interval's level is 1 − α.</param>
    /// <returns>The interval; of zero width when every value is equal.</returns>
    /// <exception cref="ArgumentException">The summary has fewer than 2 observations.</exception>
    /// <exception cref="ArgumentOutOfRangeException">alpha is outside (0, 1).</exception>
    public static ConfidenceInterval Compute(in MetricSummary summary, double alpha = 0.05)
    {
        Guard.Alpha(alpha);
        Guard.AtLeast(summary.Count, 2, nameof(summary), "The group");
        var half = Probability.StudentTUpperQuantile(alpha / 2, summary.Count - 1) * summary.StandardError;
        return new ConfidenceInterval(summary.Mean - half, summary.Mean + half, 1 - alpha);
    }
}
