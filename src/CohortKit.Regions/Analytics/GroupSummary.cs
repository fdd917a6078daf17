using CohortKit.Metrics;

namespace CohortKit.Regions.Analytics;

/// <summary>The aggregate of one group in one region: what may cross a border once the group has at least k learners.</summary>
public sealed record GroupSummary
{
    /// <summary>Gets the group (the value of the grouping column).</summary>
    public required string Group { get; init; }

    /// <summary>Gets the moments of the per-learner values.</summary>
    public required MetricSummary Summary { get; init; }

    /// <summary>Gets the quantile sketch of the per-learner values.</summary>
    public required QuantileSketch Quantiles { get; init; }

    /// <summary>Gets the distinct-count sketch of the learners with a non-zero value (a learner held in two regions counts once
    /// after merging).</summary>
    public required DistinctCountSketch ActiveLearners { get; init; }
}

/// <summary>What one region releases: the summaries of its groups of at least k learners, and the names (no numbers) of its
/// groups below k, which stay in the region.</summary>
public sealed record RegionalRelease
{
    /// <summary>Gets the region.</summary>
    public required string Region { get; init; }

    /// <summary>Gets k, the threshold the release was made under.</summary>
    public required int K { get; init; }

    /// <summary>Gets the released groups, each of at least <see cref="K"/> learners, ordered by group.</summary>
    public required IReadOnlyList<GroupSummary> Groups { get; init; }

    /// <summary>Gets the groups withheld for having fewer than <see cref="K"/> learners in this region, ordered.</summary>
    public required IReadOnlyList<string> Suppressed { get; init; }
}

/// <summary>One group of the global result.</summary>
public sealed record GlobalGroup
{
    /// <summary>Gets the group.</summary>
    public required string Group { get; init; }

    /// <summary>Gets whether the group is suppressed: some region holding its learners had fewer than k of them, so that part
    /// never left its region, and nothing about the group is released.</summary>
    public required bool Suppressed { get; init; }

    /// <summary>Gets the merged moments, or null when suppressed.</summary>
    public MetricSummary? Summary { get; init; }

    /// <summary>Gets the merged quantile sketch, or null when suppressed.</summary>
    public QuantileSketch? Quantiles { get; init; }

    /// <summary>Gets the merged distinct-count sketch of active learners, or null when suppressed.</summary>
    public DistinctCountSketch? ActiveLearners { get; init; }
}

/// <summary>The global result merged from regional releases.</summary>
public sealed record GlobalAggregate
{
    /// <summary>Gets the groups, ordered by name.</summary>
    public required IReadOnlyList<GlobalGroup> Groups { get; init; }

    /// <summary>Gets the number of regional releases merged.</summary>
    public required int RegionsMerged { get; init; }

    /// <summary>Gets k.</summary>
    public required int K { get; init; }
}
