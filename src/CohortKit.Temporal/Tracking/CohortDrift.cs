using CohortKit.Experiments.Drift;
using CohortKit.Experiments.Hypothesis;

namespace CohortKit.Temporal.Tracking;

/// <summary>How one cohort changed between two snapshots: the mix of each attribute among its members and the mean of each metric.</summary>
public sealed record CohortDrift
{
    /// <summary>Gets the cohort's name (present in both snapshots).</summary>
    public required string Cohort { get; init; }

    /// <summary>Gets the number of members in the earlier period.</summary>
    public required int BeforeSize { get; init; }

    /// <summary>Gets the number of members in the later period.</summary>
    public required int AfterSize { get; init; }

    /// <summary>Gets the composition drift of each attribute, in the snapshot's attribute order.</summary>
    public required IReadOnlyList<CompositionDrift> Composition { get; init; }

    /// <summary>Gets the metric drift of each metric (from <see cref="MeasurementDrift.Compare"/>, overall results only); empty
    /// when either period has fewer than two members, which no Welch test can compare.</summary>
    public required IReadOnlyList<DriftResult> Metrics { get; init; }

    /// <summary>Gets whether any attribute or metric of this cohort is flagged.</summary>
    public bool Flagged => Composition.Any(c => c.Flagged) || Metrics.Any(m => m.Flagged);
}

/// <summary>The change in the mix of one categorical attribute among a cohort's members between two periods.</summary>
public sealed record CompositionDrift
{
    /// <summary>Gets the attribute.</summary>
    public required string Attribute { get; init; }

    /// <summary>Gets the categories seen in the cohort in either period (in the earlier snapshot's order, then new ones).</summary>
    public required IReadOnlyList<string> Categories { get; init; }

    /// <summary>Gets the share of the cohort's members in each category, earlier period.</summary>
    public required IReadOnlyList<double> BeforeShares { get; init; }

    /// <summary>Gets the share of the cohort's members in each category, later period.</summary>
    public required IReadOnlyList<double> AfterShares { get; init; }

    /// <summary>Gets Pearson's chi-square test of independence of period × category (no continuity correction), or
    /// <see langword="null"/> when the cohort shows only one category in both periods (nothing can have moved).</summary>
    public ChiSquareResult? Test { get; init; }

    /// <summary>Gets the population stability index of the two mixes (<see cref="MeasurementDrift.PopulationStabilityIndexOfCounts"/>).</summary>
    public required double PopulationStabilityIndex { get; init; }

    /// <summary>Gets whether the mix drifted: the test's p-value below alpha and the index above
    /// <see cref="CohortTrackerOptions.CompositionThreshold"/>.</summary>
    public required bool Flagged { get; init; }
}
