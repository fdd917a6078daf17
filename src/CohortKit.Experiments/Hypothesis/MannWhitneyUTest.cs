using CohortKit.Experiments.Distributions;
using CohortKit.Experiments.Effects;

namespace CohortKit.Experiments.Hypothesis;

/// <summary>The Mann–Whitney U statistic of the treatment sample with its normal approximation.</summary>
/// <param name="U">U of the treatment sample (pairs where treatment is larger, ties counting ½).</param>
/// <param name="Z">The continuity-corrected z.</param>
/// <param name="PValue">The two-sided p-value.</param>
public sealed record MannWhitneyResult(double U, double Z, double PValue);

/// <summary>The Mann–Whitney U test with midranks for ties, tie-corrected variance and continuity correction
/// (normal approximation), as <c>scipy.stats.mannwhitneyu(treatment, control, use_continuity=True, method="asymptotic")</c>.</summary>
public static class MannWhitneyUTest
{
    /// <summary>Computes U of the treatment sample and the two-sided p-value.</summary>
    /// <param name="control">Control values.</param>
    /// <param name="treatment">Treatment values.</param>
    /// <returns>U of the treatment sample (the number of (treatment, control) pairs where treatment is larger, ties counting ½), z and the p-value.</returns>
    /// <exception cref="ArgumentException">An arm is empty, a value is not finite, or all values are equal.</exception>
    public static MannWhitneyResult Test(ReadOnlySpan<double> control, ReadOnlySpan<double> treatment)
    {
        Guard.AtLeast(control.Length, 1, nameof(control), "The control arm");
        Guard.AtLeast(treatment.Length, 1, nameof(treatment), "The treatment arm");
        Guard.Finite(control, nameof(control));
        Guard.Finite(treatment, nameof(treatment));
        int n1 = treatment.Length, n2 = control.Length, n = n1 + n2;
        var values = new double[n];
        var isTreatment = new bool[n];
        treatment.CopyTo(values);
        control.CopyTo(values.AsSpan(n1));
        isTreatment.AsSpan(0, n1).Fill(true);
        Array.Sort(values, isTreatment);

        double rankSumTreatment = 0, tieTerm = 0;
        for (var i = 0; i < n;)
        {
            var j = i;
            while (j + 1 < n && values[j + 1] == values[i])
            {
                j++;
            }

            var midrank = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++)
            {
                if (isTreatment[k])
                {
                    rankSumTreatment += midrank;
                }
            }

            double t = j - i + 1;
            tieTerm += t * t * t - t;
            i = j + 1;
        }

        // Count products in 64-bit floating point: n1·(n1 + 1) overflows a 32-bit int above 46,340 units.
        var u1 = rankSumTreatment - (double)n1 * (n1 + 1) / 2;
        var u2 = (double)n1 * n2 - u1;
        var mu = n1 * (double)n2 / 2;
        var variance = n1 * (double)n2 / 12 * (n + 1 - tieTerm / ((double)n * (n - 1)));
        if (!(variance > 0))
        {
            throw new ArgumentException("All values are equal; the rank test is undefined.", nameof(treatment));
        }

        var z = (Math.Max(u1, u2) - mu - 0.5) / Math.Sqrt(variance);
        return new MannWhitneyResult(u1, z, Math.Min(1, 2 * Probability.NormalSurvival(z)));
    }

    /// <summary>Compares arms with the rank test's p-value; effects and intervals are those of the means (Welch).</summary>
    /// <param name="control">Control values (at least 2).</param>
    /// <param name="treatment">Treatment values (at least 2).</param>
    /// <param name="alpha">Significance level.</param>
    /// <returns>The result with <see cref="TwoSampleResult.Statistic"/> = U of the treatment sample.</returns>
    public static TwoSampleResult Compute(ReadOnlySpan<double> control, ReadOnlySpan<double> treatment, double alpha = 0.05)
    {
        // The rank test first, so that its own messages (an empty arm, all values equal) are the ones a caller sees.
        var (u, _, p) = Test(control, treatment);
        var welch = WelchTTest.Compute(control, treatment, alpha);
        return welch with { Test = TwoSampleTest.MannWhitney, PValue = p, Statistic = u, DegreesOfFreedom = null };
    }
}
