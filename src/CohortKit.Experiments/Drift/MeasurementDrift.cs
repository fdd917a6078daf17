using CohortKit.Experiments.Effects;
using CohortKit.Learners;
using CohortKit.Metrics;

namespace CohortKit.Experiments.Drift;

/// <summary>The change of one metric between two periods, overall or in one segment.</summary>
public sealed record DriftResult
{
    /// <summary>Gets the metric.</summary>
    public required string Metric { get; init; }

    /// <summary>Gets the segment value, or <see langword="null"/> for the whole population.</summary>
    public string? Segment { get; init; }

    /// <summary>Gets the number of units before.</summary>
    public required long BeforeN { get; init; }

    /// <summary>Gets the number of units after.</summary>
    public required long AfterN { get; init; }

    /// <summary>Gets the mean before.</summary>
    public required double BeforeMean { get; init; }

    /// <summary>Gets the mean after.</summary>
    public required double AfterMean { get; init; }

    /// <summary>Gets after / before − 1, or <see langword="null"/> when the mean before is 0.</summary>
    public double? RelativeChange { get; init; }

    /// <summary>Gets the delta-method interval of the relative change at level 1 − alpha, or <see langword="null"/> when the earlier mean is 0.</summary>
    public CohortKit.Statistics.ConfidenceInterval? RelativeInterval { get; init; }

    /// <summary>Gets the Welch p-value of the difference in means.</summary>
    public required double PValue { get; init; }

    /// <summary>Gets the population stability index of the two distributions (deciles of the period before).</summary>
    public required double PopulationStabilityIndex { get; init; }

    /// <summary>Gets whether the metric drifted: |relative change| above the threshold and p below alpha.</summary>
    public required bool Flagged { get; init; }
}

/// <summary>
/// Measurement drift between two periods: for each metric, overall and per segment, the relative change of the mean
/// with a delta-method interval, a Welch p-value, and the population stability index (PSI) of the distribution.
/// A metric is flagged when its relative change exceeds the threshold (default 0.1%) and is statistically significant.
/// </summary>
public static class MeasurementDrift
{
    /// <summary>The default relative-change threshold, 0.1%.</summary>
    public const double DefaultThreshold = 0.001;

    /// <summary>Compares two periods.</summary>
    /// <param name="before">Metrics of the earlier period (one value per unit).</param>
    /// <param name="after">The same metrics, by name, in the later period.</param>
    /// <param name="beforeSegment">Optional segment column for the earlier period.</param>
    /// <param name="afterSegment">The same segment column for the later period (required with <paramref name="beforeSegment"/>).</param>
    /// <param name="threshold">Relative change above which a significant change is flagged (≥ 0).</param>
    /// <param name="alpha">Significance level.</param>
    /// <returns>Overall results (one per metric), then per-segment results.</returns>
    /// <exception cref="ArgumentException">A metric is missing from <paramref name="after"/>, values are not finite, a period has fewer than 2 units, or only one segment column is given.</exception>
    public static IReadOnlyList<DriftResult> Compare(IReadOnlyList<MetricColumn> before, IReadOnlyList<MetricColumn> after,
        CategoricalColumn? beforeSegment = null, CategoricalColumn? afterSegment = null, double threshold = DefaultThreshold, double alpha = 0.05)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        Guard.Alpha(alpha);
        if (!(threshold >= 0)) { throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be ≥ 0."); }
        if ((beforeSegment is null) != (afterSegment is null)) { throw new ArgumentException("Give the segment column for both periods or for neither.", nameof(afterSegment)); }
        var results = new List<DriftResult>();
        foreach (var b in before)
        {
            var a = after.FirstOrDefault(x => x.Name == b.Name) ?? throw new ArgumentException($"Metric '{b.Name}' is missing from the later period.", nameof(after));
            results.Add(CompareOne(b.Name, null, b.Values.ToArray(), a.Values.ToArray(), threshold, alpha));
        }

        if (beforeSegment is null || afterSegment is null)
        {
            return results;
        }

        foreach (var category in beforeSegment.Categories)
        {
            if (!afterSegment.TryGetCode(category, out var afterCode)) { continue; }
            beforeSegment.TryGetCode(category, out var beforeCode);
            foreach (var b in before)
            {
                var a = after.First(x => x.Name == b.Name);
                var bv = Select(b.Values.Span, beforeSegment.Codes, beforeCode);
                var av = Select(a.Values.Span, afterSegment.Codes, afterCode);
                if (bv.Length < 2 || av.Length < 2) { continue; }
                results.Add(CompareOne(b.Name, category, bv, av, threshold, alpha));
            }
        }

        return results;
    }

    private static double[] Select(ReadOnlySpan<double> values, ReadOnlySpan<int> codes, int code)
    {
        var list = new List<double>();
        for (var i = 0; i < values.Length; i++) { if (codes[i] == code) { list.Add(values[i]); } }
        return [.. list];
    }

    private static DriftResult CompareOne(string metric, string? segment, double[] before, double[] after, double threshold, double alpha)
    {
        var welch = Hypothesis.WelchTTest.Compute(before, after, alpha);
        var psi = PopulationStabilityIndex(before, after);
        var flagged = welch.RelativeEffect is { } r && Math.Abs(r) > threshold && welch.PValue < alpha;
        return new DriftResult
        {
            Metric = metric,
            Segment = segment,
            BeforeN = welch.ControlN,
            AfterN = welch.TreatmentN,
            BeforeMean = welch.ControlMean,
            AfterMean = welch.TreatmentMean,
            RelativeChange = welch.RelativeEffect,
            RelativeInterval = welch.RelativeInterval,
            PValue = welch.PValue,
            PopulationStabilityIndex = psi,
            Flagged = flagged,
        };
    }

    /// <summary>The population stability index Σ (aᵢ − bᵢ) ln(aᵢ / bᵢ) over bins given by the deciles of the earlier period
    /// (tied cut points merged; empty bins count as 0.0001 so the index stays finite).</summary>
    /// <param name="before">Values of the earlier period.</param>
    /// <param name="after">Values of the later period.</param>
    /// <param name="bins">The number of quantile bins (≥ 2).</param>
    /// <returns>The PSI (≥ 0): below 0.1 is usually read as stable, above 0.25 as a major shift.</returns>
    /// <exception cref="ArgumentException">A period is empty or has a non-finite value.</exception>
    public static double PopulationStabilityIndex(ReadOnlySpan<double> before, ReadOnlySpan<double> after, int bins = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        Guard.AtLeast(before.Length, 1, nameof(before), "The earlier period");
        Guard.AtLeast(after.Length, 1, nameof(after), "The later period");
        Guard.Finite(before, nameof(before));
        Guard.Finite(after, nameof(after));
        var sorted = before.ToArray();
        Array.Sort(sorted);
        var cuts = new List<double>();
        for (var k = 1; k < bins; k++)
        {
            var cut = sorted[(int)Math.Floor((double)k * sorted.Length / bins)];
            if (cuts.Count == 0 || cut > cuts[^1]) { cuts.Add(cut); }
        }

        return PopulationStabilityIndexOfCounts(Histogram(before, cuts), Histogram(after, cuts));
    }

    /// <summary>The population stability index Σ (aᵢ − bᵢ) ln(aᵢ / bᵢ) of two distributions given as counts over the same
    /// bins or categories (shares aᵢ, bᵢ of each total; an empty bin counts as a share of 0.0001 so the index stays
    /// finite). <see cref="PopulationStabilityIndex"/> calls it on decile bins; categorical composition (e.g. the regions of a
    /// cohort's members in two periods, in CohortKit.Temporal's tracker) calls it on category counts.</summary>
    /// <param name="before">Counts per bin in the earlier period (non-negative, not all 0).</param>
    /// <param name="after">Counts per bin in the later period, the same bins (non-negative, not all 0).</param>
    /// <returns>The PSI (≥ 0).</returns>
    /// <exception cref="ArgumentException">The lengths differ, a count is negative or not finite, or a period has no counts.</exception>
    public static double PopulationStabilityIndexOfCounts(ReadOnlySpan<double> before, ReadOnlySpan<double> after)
    {
        if (before.Length != after.Length)
        {
            throw new ArgumentException($"before has {before.Length} bins but after has {after.Length}.", nameof(after));
        }

        double totalBefore = Total(before, nameof(before)), totalAfter = Total(after, nameof(after));
        double psi = 0;
        for (var i = 0; i < before.Length; i++)
        {
            var pb = Math.Max(before[i] / totalBefore, 1e-4);
            var pa = Math.Max(after[i] / totalAfter, 1e-4);
            psi += (pa - pb) * Math.Log(pa / pb);
        }

        return psi;
    }

    private static double Total(ReadOnlySpan<double> counts, string name)
    {
        double total = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (!(counts[i] >= 0 && double.IsFinite(counts[i]))) { throw new ArgumentException($"{name}[{i}] is {counts[i]}; counts must be finite and non-negative.", name); }
            total += counts[i];
        }

        return total > 0 ? total : throw new ArgumentException($"{name} has no counts.", name);
    }

    private static double[] Histogram(ReadOnlySpan<double> values, List<double> cuts)
    {
        var counts = new double[cuts.Count + 1];
        foreach (var v in values)
        {
            var index = cuts.BinarySearch(v);
            // A value equal to a cut goes to the bin above it (bins are [cut_k, cut_{k+1})).
            index = index >= 0 ? index + 1 : ~index;
            counts[index]++;
        }

        return counts;
    }
}
