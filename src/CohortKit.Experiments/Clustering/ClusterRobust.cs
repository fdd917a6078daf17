using CohortKit.Experiments.Distributions;
using CohortKit.Experiments.Effects;

namespace CohortKit.Experiments.Clustering;

/// <summary>
/// Difference in means when whole clusters (cohorts, classes) are randomised and the metric is per learner:
/// the OLS slope of y on a treatment indicator with a cluster-robust (CR1) standard error, as statsmodels
/// <c>OLS(...).fit(cov_type="cluster")</c> with its default small-sample factor G/(G−1)·(N−1)/(N−K).
/// </summary>
public static class ClusterRobust
{
    /// <summary>Compares arms with cluster-robust inference.</summary>
    /// <param name="metric">y per learner.</param>
    /// <param name="isTreatment">Arm per learner.</param>
    /// <param name="cluster">Cluster id per learner.</param>
    /// <param name="alpha">Significance level; intervals and p-values use a t distribution with G − 1 degrees of freedom.</param>
    /// <returns>The result (<see cref="TwoSampleTest.Cluster"/>).</returns>
    /// <exception cref="ArgumentException">Lengths differ, a value is not finite, fewer than 2 clusters, or an arm is empty.</exception>
    public static TwoSampleResult Compute(ReadOnlySpan<double> metric, ReadOnlySpan<bool> isTreatment, ReadOnlySpan<long> cluster, double alpha = 0.05)
    {
        Guard.Alpha(alpha);
        if (isTreatment.Length != metric.Length || cluster.Length != metric.Length)
        {
            throw new ArgumentException($"metric ({metric.Length}), isTreatment ({isTreatment.Length}) and cluster ({cluster.Length}) must have equal lengths.", nameof(cluster));
        }

        Guard.Finite(metric, nameof(metric));
        var n = metric.Length;
        long n1 = 0;
        double sum0 = 0, sum1 = 0;
        for (var i = 0; i < n; i++)
        {
            if (isTreatment[i]) { n1++; sum1 += metric[i]; } else { sum0 += metric[i]; }
        }

        var n0 = n - n1;
        Guard.AtLeast(n0, 1, nameof(isTreatment), "The control arm");
        Guard.AtLeast(n1, 1, nameof(isTreatment), "The treatment arm");
        double m0 = sum0 / n0, m1 = sum1 / n1;

        // OLS of y on [1, D]: intercept = m0, slope = m1 − m0; residual u = y − fitted. Bread (X'X)^-1 for a binary D.
        var score = new Dictionary<long, (double S0, double S1)>();
        for (var i = 0; i < n; i++)
        {
            var u = metric[i] - (isTreatment[i] ? m1 : m0);
            score.TryGetValue(cluster[i], out var s);
            score[cluster[i]] = (s.S0 + u, s.S1 + (isTreatment[i] ? u : 0));
        }

        var g = score.Count;
        if (g < 2)
        {
            throw new ArgumentException("At least two clusters are needed for cluster-robust errors.", nameof(cluster));
        }

        double m00 = 0, m01 = 0, m11 = 0;
        foreach (var (s0, s1) in score.Values)
        {
            m00 += s0 * s0;
            m01 += s0 * s1;
            m11 += s1 * s1;
        }

        // (X'X)^-1 = [[1/n0, -1/n0], [-1/n0, 1/n0 + 1/n1]]; the slope's row is (-1/n0, 1/n0 + 1/n1).
        double a = -1.0 / n0, b = 1.0 / n0 + 1.0 / n1;
        var meat = a * a * m00 + 2 * a * b * m01 + b * b * m11;
        var factor = (double)g / (g - 1) * (n - 1) / (n - 2);
        var se = Math.Sqrt(factor * meat);
        var diff = m1 - m0;
        var t = diff / se;
        var df = g - 1;

        // Arm means' cluster-robust variances and covariance for the delta method, from the same cluster scores:
        // control score = s0 − s1, treatment score = s1 (the covariance is zero when no cluster mixes arms).
        double c00 = m00 - 2 * m01 + m11, c11 = m11, c01 = m01 - m11;
        var critical = Probability.StudentTUpperQuantile(alpha / 2, df);
        var relative = RelativeEffect.Compute(m0, factor * c00 / ((double)n0 * n0), m1, factor * c11 / ((double)n1 * n1), factor * c01 / ((double)n0 * n1), critical, 1 - alpha);
        return TwoSampleResult.Create(TwoSampleTest.Cluster, n0, n1, m0, m1, se, critical, relative,
            Probability.StudentTTwoSided(t, df), t, df, alpha);
    }
}
