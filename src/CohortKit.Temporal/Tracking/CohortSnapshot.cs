using CohortKit.Experiments;
using CohortKit.Learners;
using CohortKit.Metrics;

namespace CohortKit.Temporal.Tracking;

/// <summary>One period's cohort membership as appended to a <see cref="CohortTracker"/>: who was in which cohort, their
/// composition attributes and metrics, and each cohort's size and metric summaries.</summary>
/// <remarks>Immutable and thread-safe: the tracker copies every column it is given, so a caller who changes its own arrays
/// afterwards cannot change an appended snapshot (a <c>with</c> expression makes a new object, not a stored one).</remarks>
public sealed record CohortSnapshot
{
    /// <summary>Gets the period the snapshot describes (e.g. the first day of the week).</summary>
    public required DateOnly Period { get; init; }

    /// <summary>Gets the members, one row each.</summary>
    public required IReadOnlyList<LearnerId> Learners { get; init; }

    /// <summary>Gets each member's cohort (or state), row by row.</summary>
    public required CategoricalColumn Cohort { get; init; }

    /// <summary>Gets the categorical attributes whose mix within a cohort is checked for composition drift, row by row.</summary>
    public required IReadOnlyList<CategoricalColumn> Attributes { get; init; }

    /// <summary>Gets the per-member metrics whose cohort means are checked for drift, row by row.</summary>
    public required IReadOnlyList<MetricColumn> Metrics { get; init; }

    /// <summary>Gets each cohort with at least one member: its size and metric summaries, in the order of
    /// <see cref="CategoricalColumn.Categories"/> of <see cref="Cohort"/>.</summary>
    public required IReadOnlyList<CohortSummary> Cohorts { get; init; }
}

/// <summary>One cohort in one period: its size and a mergeable summary of each metric over its members.</summary>
public sealed record CohortSummary
{
    /// <summary>Gets the cohort's name.</summary>
    public required string Cohort { get; init; }

    /// <summary>Gets the number of members.</summary>
    public required int Size { get; init; }

    /// <summary>Gets the summary (count, mean, variance, min, max) of each metric over the members, by metric name.</summary>
    public required IReadOnlyDictionary<string, MetricSummary> Metrics { get; init; }
}
