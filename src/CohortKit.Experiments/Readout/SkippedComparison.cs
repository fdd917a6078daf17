namespace CohortKit.Experiments.Readout;

/// <summary>Why a segment comparison was left out of a readout.</summary>
public enum SkipReason
{
    /// <summary>An arm has fewer than two units in the segment.</summary>
    TooFewUnits = 0,

    /// <summary>The test is undefined on the segment's values (e.g. both arms constant: zero variance).</summary>
    Degenerate = 1,
}

/// <summary>A (metric, arm, segment) comparison that a readout could not make, so that a breakdown never loses a segment
/// silently.</summary>
public sealed record SkippedComparison
{
    /// <summary>Gets the metric.</summary>
    public required string Metric { get; init; }

    /// <summary>Gets the treatment arm.</summary>
    public required string Arm { get; init; }

    /// <summary>Gets the segment value.</summary>
    public required string Segment { get; init; }

    /// <summary>Gets why the comparison was skipped.</summary>
    public required SkipReason Reason { get; init; }

    /// <summary>Gets what the test reported, or the unit counts, for a person.</summary>
    public required string Detail { get; init; }
}
