using CohortKit.Experiments.Effects;
using CohortKit.Experiments.Heterogeneity;
using CohortKit.Statistics;

namespace CohortKit.Segmentation;

/// <summary>What a segment row is flagged for.</summary>
[Flags]
public enum SegmentAlerts
{
    /// <summary>Nothing to flag.</summary>
    None = 0,

    /// <summary>The segment's mean differs from the overall mean by more than the threshold and significantly after
    /// Benjamini–Hochberg across the dimension's segments.</summary>
    Differs = 1,

    /// <summary>The treatment effect is negative and significant after Benjamini–Hochberg.</summary>
    Regression = 2,

    /// <summary>The relative treatment effect is below the minimum lift.</summary>
    BelowMinimumLift = 4,

    /// <summary>The segment cannot detect the minimum lift at the configured power (or has too few learners in an arm for a test).</summary>
    Underpowered = 8,

    /// <summary>The row pools the dimension's values smaller than the minimum segment size.</summary>
    Pooled = 16,
}

/// <summary>What to do about a segment.</summary>
public enum SegmentAction
{
    /// <summary>Nothing stands out.</summary>
    None = 0,

    /// <summary>The change helps this segment at least by the minimum lift: keep it.</summary>
    Keep = 1,

    /// <summary>The change harms this segment: exclude it or retune.</summary>
    ExcludeOrRetune = 2,

    /// <summary>The segment is too small to tell: collect more data.</summary>
    CollectMoreData = 3,

    /// <summary>The segment falls short of the minimum lift: retune for it.</summary>
    Retune = 4,

    /// <summary>The segment's metric differs from the overall: look at what sets it apart.</summary>
    Investigate = 5,
}

/// <summary>Why a segment misses the minimum lift.</summary>
public enum ShortfallReason
{
    /// <summary>Too few learners to detect the minimum lift: the shortfall may be noise.</summary>
    LackOfPower = 0,

    /// <summary>The interval lies below the minimum lift: a real shortfall.</summary>
    RealShortfall = 1,

    /// <summary>Powered, yet the interval still reaches the minimum lift: not shown either way.</summary>
    Inconclusive = 2,
}

/// <summary>A recommendation with its reason, e.g. <c>effect +4.1 % [2.0, 6.2]: keep</c>.</summary>
/// <param name="Action">What to do.</param>
/// <param name="Reason">Why, in one line a person can read.</param>
public sealed record SegmentRecommendation(SegmentAction Action, string Reason);

/// <summary>The treatment effect in one segment.</summary>
public sealed record SegmentEffect
{
    /// <summary>Gets the test's result (treatment − control), with Experiments' test for the whole metric.</summary>
    public required TwoSampleResult Result { get; init; }

    /// <summary>Gets the p-value adjusted by Benjamini–Hochberg across the dimension's segments.</summary>
    public required double AdjustedPValue { get; init; }

    /// <summary>Gets the empirical-Bayes (partially pooled) effect, or <see langword="null"/> when fewer than two segments have effects.</summary>
    public required double? ShrunkEffect { get; init; }

    /// <summary>Gets the smallest relative effect the segment detects at the configured power, or <see langword="null"/> when none can be computed
    /// (a control mean or rate of 0).</summary>
    public required double? MinimumDetectableRelativeEffect { get; init; }
}

/// <summary>One row of a segment table: one value of a dimension (or the pooled small values).</summary>
public sealed record SegmentRow
{
    /// <summary>Gets the value, <c>"a×b"</c> for a cross, or <see cref="SegmentAnalyzer.OtherValue"/> for the pooled row.</summary>
    public required string Value { get; init; }

    /// <summary>Gets the number of learners.</summary>
    public required long N { get; init; }

    /// <summary>Gets n / all learners.</summary>
    public required double Share { get; init; }

    /// <summary>Gets the segment's mean of the metric.</summary>
    public required double Mean { get; init; }

    /// <summary>Gets the mean's t interval, or <see langword="null"/> for a pooled row of one learner.</summary>
    public required ConfidenceInterval? MeanInterval { get; init; }

    /// <summary>Gets mean − overall mean = (1 − share)(mean − mean of the rest).</summary>
    public required double DifferenceFromOverall { get; init; }

    /// <summary>Gets the interval of <see cref="DifferenceFromOverall"/> (the segment-versus-rest test's interval scaled by 1 − share),
    /// or <see langword="null"/> when the test is undefined (no variation, or fewer than two learners on a side).</summary>
    public required ConfidenceInterval? DifferenceInterval { get; init; }

    /// <summary>Gets the Benjamini–Hochberg adjusted p-value of the segment-versus-rest test, or <see langword="null"/> when undefined.</summary>
    public required double? DifferenceAdjustedPValue { get; init; }

    /// <summary>Gets the treatment effect, or <see langword="null"/> without an arm column or when an arm has too few learners.</summary>
    public required SegmentEffect? Effect { get; init; }

    /// <summary>Gets the flags.</summary>
    public required SegmentAlerts Flags { get; init; }

    /// <summary>Gets the recommendation.</summary>
    public required SegmentRecommendation Recommendation { get; init; }
}

/// <summary>A segment that misses the minimum lift, and why.</summary>
/// <param name="Value">The segment.</param>
/// <param name="RelativeEffect">Its relative effect (or the absolute one when the control mean is 0).</param>
/// <param name="Reason">Lack of power, a real shortfall, or inconclusive.</param>
public sealed record MinimumLiftShortfall(string Value, double RelativeEffect, ShortfallReason Reason);

/// <summary>One dimension (or cross) broken down for one metric.</summary>
public sealed record DimensionReport
{
    /// <summary>Gets the dimension's name, <c>"A×B"</c> for a cross.</summary>
    public required string Dimension { get; init; }

    /// <summary>Gets the metric's name.</summary>
    public required string Metric { get; init; }

    /// <summary>Gets the overall mean of the metric.</summary>
    public required double OverallMean { get; init; }

    /// <summary>Gets the overall treatment effect (all learners), or <see langword="null"/> without an arm column.</summary>
    public required TwoSampleResult? OverallEffect { get; init; }

    /// <summary>Gets Cochran's Q, I² and DerSimonian–Laird τ² of the segments' effects, or <see langword="null"/> without
    /// an arm column or with fewer than two segments with effects.</summary>
    public required HeterogeneityResult? Heterogeneity { get; init; }

    /// <summary>Gets the rows, largest segment first, the pooled row last.</summary>
    public required IReadOnlyList<SegmentRow> Segments { get; init; }

    /// <summary>Gets the segments whose effect misses the minimum lift (empty without an arm column).</summary>
    public required IReadOnlyList<MinimumLiftShortfall> BelowMinimumLift { get; init; }
}

/// <summary>A Simpson's-paradox warning: the overall effect's sign disagrees with the size-weighted majority of the segments.</summary>
public sealed record SimpsonFinding
{
    /// <summary>Gets the dimension.</summary>
    public required string Dimension { get; init; }

    /// <summary>Gets the metric.</summary>
    public required string Metric { get; init; }

    /// <summary>Gets the overall absolute effect.</summary>
    public required double OverallEffect { get; init; }

    /// <summary>Gets the segments whose effect has the opposite sign.</summary>
    public required IReadOnlyList<string> SegmentsAgainst { get; init; }
}

/// <summary>A segment table over every chosen dimension and cross, for every metric.</summary>
public sealed record SegmentationReport
{
    /// <summary>Gets the number of learners.</summary>
    public required int Learners { get; init; }

    /// <summary>Gets the metrics, in input order.</summary>
    public required IReadOnlyList<string> Metrics { get; init; }

    /// <summary>Gets one report per (dimension or cross, metric): dimensions in input order, then crosses, each with every metric.</summary>
    public required IReadOnlyList<DimensionReport> Dimensions { get; init; }

    /// <summary>Gets the Simpson's-paradox warnings (empty without an arm column).</summary>
    public required IReadOnlyList<SimpsonFinding> Simpson { get; init; }
}
