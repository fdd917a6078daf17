using CohortKit.Statistics;

namespace CohortKit.Temporal.Retention;

/// <summary>A cohort × period retention matrix with Wilson intervals and the size-weighted average curve.</summary>
/// <remarks>Immutable and thread-safe. A cell is <see langword="null"/> when its period is not fully inside the observed
/// window for every member of the cohort (never 0 for "not yet observed").</remarks>
public sealed record RetentionMatrix
{
    /// <summary>Gets how learners were grouped.</summary>
    public required CohortGrouping CohortBy { get; init; }

    /// <summary>Gets the attribute grouped by, or <see langword="null"/> for signup cohorts.</summary>
    public string? Attribute { get; init; }

    /// <summary>Gets the period length.</summary>
    public required RetentionPeriod Period { get; init; }

    /// <summary>Gets the retention definition.</summary>
    public required RetentionKind Kind { get; init; }

    /// <summary>Gets the observed window used.</summary>
    public required ObservationWindow Window { get; init; }

    /// <summary>Gets the column labels: the period index for N-day and unbounded, the bracket for bracket retention.</summary>
    public required IReadOnlyList<PeriodBracket> Columns { get; init; }

    /// <summary>Gets one row per cohort: signup cohorts in date order, attribute cohorts in category order (cohorts with no
    /// learner in the window are left out).</summary>
    public required IReadOnlyList<RetentionCohort> Cohorts { get; init; }

    /// <summary>Gets the size-weighted average per column over the cohorts whose cell is observed.</summary>
    public required IReadOnlyList<RetentionAverage> Average { get; init; }

    /// <summary>Gets the learners left out because they signed up outside the window.</summary>
    public required int LearnersOutsideWindow { get; init; }
}

/// <summary>One cohort's row of a <see cref="RetentionMatrix"/>.</summary>
public sealed record RetentionCohort
{
    /// <summary>Gets the cohort label: <c>yyyy-MM-dd</c> (day; the Monday of a week), <c>yyyy-MM</c> (month) or the attribute value.</summary>
    public required string Cohort { get; init; }

    /// <summary>Gets the number of learners in the cohort.</summary>
    public required int Size { get; init; }

    /// <summary>Gets the retained learners per column, <see langword="null"/> where unobserved.</summary>
    public required IReadOnlyList<int?> Retained { get; init; }

    /// <summary>Gets retained / size per column, <see langword="null"/> where unobserved.</summary>
    public required IReadOnlyList<double?> Rate { get; init; }

    /// <summary>Gets the Wilson interval of each rate, <see langword="null"/> where unobserved.</summary>
    public required IReadOnlyList<ConfidenceInterval?> Intervals { get; init; }
}

/// <summary>One column of the size-weighted average curve.</summary>
public sealed record RetentionAverage
{
    /// <summary>Gets the column index.</summary>
    public required int Period { get; init; }

    /// <summary>Gets the learners of the cohorts whose cell is observed.</summary>
    public required int Learners { get; init; }

    /// <summary>Gets Σ retained / Σ size over those cohorts, or <see langword="null"/> when no cohort is observed.</summary>
    public required double? Rate { get; init; }

    /// <summary>Gets the Wilson interval of the pooled rate, or <see langword="null"/>.</summary>
    public required ConfidenceInterval? Interval { get; init; }
}
