using CohortKit.Experiments.Distributions;
using CohortKit.Experiments.Effects;
using CohortKit.Metrics;

namespace CohortKit.Experiments.Hypothesis;

/// <summary>Welch's unequal-variance t-test of treatment − control, as <c>scipy.stats.ttest_ind(treatment, control, equal_var=False)</c>.</summary>
public static class WelchTTest
{
    /// <summary>Runs the test on raw values (one SIMD pass per arm through <see cref="MetricSummary.FromSpan(ReadOnlySpan{double})"/>).</summary>
    /// <param name="control">Control values.</param>
    /// <param name="treatment">Treatment values.</param>
    /// <param name="alpha">Significance level for the intervals.</param>
    /// <returns>The result with Welch–Satterthwaite degrees of freedom and t-based interval.</returns>
    /// <exception cref="ArgumentException">An arm has fewer than 2 values, a value is not finite, or both arms have zero variance.</exception>
    /// <exception cref="ArgumentOutOfRangeException">alpha is outside (0, 1).</exception>
    public static TwoSampleResult Compute(ReadOnlySpan<double> control, ReadOnlySpan<double> treatment, double alpha = 0.05)
        => Compute(Summarise(control, nameof(control)), Summarise(treatment, nameof(treatment)), alpha);

    /// <summary>Runs the test on mergeable summaries (e.g. merged across shards or regions).</summary>
    /// <param name="control">Control summary.</param>
    /// <param name="treatment">Treatment summary.</param>
    /// <param name="alpha">Significance level for the intervals.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">An arm has fewer than 2 observations or both arms have zero variance.</exception>
    /// <exception cref="ArgumentOutOfRangeException">alpha is outside (0, 1).</exception>
    public static TwoSampleResult Compute(in MetricSummary control, in MetricSummary treatment, double alpha = 0.05)
    {
        Guard.Alpha(alpha);
        Guard.AtLeast(control.Count, 2, nameof(control), "The control arm");
        Guard.AtLeast(treatment.Count, 2, nameof(treatment), "The treatment arm");
        double vc = control.Variance / control.Count, vt = treatment.Variance / treatment.Count;
        // Constant arms are recognised by min == max as well as by a zero variance, so that a rounding residue in the
        // summary's variance (e.g. 1e-28 for 5,000 copies of 12.7) cannot turn "no variation" into a tiny p-value.
        if (vc + vt == 0 || (control.Min == control.Max && treatment.Min == treatment.Max))
        {
            throw new ArgumentException($"Both arms have zero variance (every control value is {control.Min}, every treatment value {treatment.Min}); the t statistic is undefined.", nameof(treatment));
        }

        var se = Math.Sqrt(vc + vt);
        var diff = treatment.Mean - control.Mean;
        var t = diff / se;
        var df = (vc + vt) * (vc + vt) / (vc * vc / (control.Count - 1) + vt * vt / (treatment.Count - 1));
        var critical = Probability.StudentTUpperQuantile(alpha / 2, df);
        var relative = RelativeEffect.Compute(control.Mean, Math.Sqrt(vc), treatment.Mean, Math.Sqrt(vt), critical, 1 - alpha);
        return TwoSampleResult.Create(TwoSampleTest.Welch, control.Count, treatment.Count, control.Mean, treatment.Mean, se,
            critical, relative, Probability.StudentTTwoSided(t, df), t, df, alpha);
    }

    internal static MetricSummary Summarise(ReadOnlySpan<double> values, string name)
    {
        Guard.AtLeast(values.Length, 2, name, name == "control" ? "The control arm" : $"'{name}'");
        try
        {
            return MetricSummary.FromSpan(values);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{name}: {ex.Message}", name, ex);
        }
    }
}
