using System.Text.Json.Serialization;
using CohortKit.Cli.Experiments;
using CohortKit.Segmentation;

namespace CohortKit.Cli.Segmentation;

/// <summary>The JSON document of <c>cohortkit segments --json</c> (and <c>segment-profiles.json</c>); the field names are the
/// CLI's contract (docs/cli.md).</summary>
/// <param name="Learners">Rows read.</param>
/// <param name="Metrics">The metrics, in --metric order.</param>
/// <param name="Dimensions">One entry per (dimension or cross, metric).</param>
/// <param name="Simpson">Simpson's-paradox warnings (empty without --group).</param>
internal sealed record SegmentsReport(int Learners, IReadOnlyList<string> Metrics, IReadOnlyList<DimensionEntry> Dimensions, IReadOnlyList<SimpsonEntry> Simpson)
{
    public static SegmentsReport From(SegmentationReport report) => new(
        report.Learners,
        report.Metrics,
        [.. report.Dimensions.Select(DimensionEntry.From)],
        [.. report.Simpson.Select(s => new SimpsonEntry(s.Dimension, s.Metric, s.OverallEffect, s.SegmentsAgainst))]);
}

/// <summary>One dimension (or cross <c>"A×B"</c>) for one metric; the minimum-lift shortfalls and the overall effect go to the Markdown report and the forest plot only
/// (the JSON contract carries them as the <c>belowMinimumLift</c> flag).</summary>
internal sealed record DimensionEntry(
    string Dimension,
    string Metric,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] HeterogeneityEntry? Heterogeneity,
    IReadOnlyList<SegmentEntry> Segments,
    [property: JsonIgnore] IReadOnlyList<MinimumLiftShortfall> BelowMinimumLift,
    [property: JsonIgnore] double? OverallEffect)
{
    public static DimensionEntry From(DimensionReport d) => new(
        d.Dimension,
        d.Metric,
        d.Heterogeneity is { } h ? new HeterogeneityEntry(h.Q, h.DegreesOfFreedom, h.PValue, h.ISquared, h.Tau2) : null,
        [.. d.Segments.Select(SegmentEntry.From)],
        d.BelowMinimumLift,
        d.OverallEffect?.AbsoluteEffect);
}

/// <summary>Cochran's Q, its df and p, I² and the DerSimonian–Laird τ² of the segments' effects.</summary>
internal sealed record HeterogeneityEntry(double Q, int Df, double PValue, double I2, double Tau2);

/// <summary>One segment row.</summary>
internal sealed record SegmentEntry(
    string Value,
    long N,
    double Share,
    double Mean,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? CiLow,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? CiHigh,
    double DifferenceFromOverall,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? DifferenceCiLow,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? DifferenceCiHigh,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] EffectEntry? Effect,
    IReadOnlyList<string> Flags,
    string Recommendation)
{
    /// <summary>The flag words of the contract, in this order.</summary>
    private static readonly (SegmentAlerts Flag, string Word)[] Words =
    [
        (SegmentAlerts.Differs, "differs"), (SegmentAlerts.Regression, "regression"), (SegmentAlerts.BelowMinimumLift, "belowMinimumLift"),
        (SegmentAlerts.Underpowered, "underpowered"), (SegmentAlerts.Pooled, "pooled"),
    ];

    public static SegmentEntry From(SegmentRow s) => new(
        s.Value, s.N, s.Share, s.Mean, s.MeanInterval?.Low, s.MeanInterval?.High,
        s.DifferenceFromOverall, s.DifferenceInterval?.Low, s.DifferenceInterval?.High,
        s.Effect is { } e ? EffectEntry.From(e) : null,
        [.. Words.Where(w => s.Flags.HasFlag(w.Flag)).Select(w => w.Word)],
        s.Recommendation.Reason);
}

/// <summary>The treatment effect in one segment.</summary>
internal sealed record EffectEntry(
    string Test,
    double AbsoluteEffect,
    double StandardError,
    double CiLow,
    double CiHigh,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? RelativeEffect,
    double PValue,
    double AdjustedPValue,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? ShrunkEffect)
{
    public static EffectEntry From(SegmentEffect e) => new(
        ReadoutRow.TestName(e.Result.Test), e.Result.AbsoluteEffect, e.Result.StandardError, e.Result.Interval.Low, e.Result.Interval.High,
        e.Result.RelativeEffect, e.Result.PValue, e.AdjustedPValue, e.ShrunkEffect);
}

/// <summary>A Simpson's-paradox warning.</summary>
internal sealed record SimpsonEntry(string Dimension, string Metric, double OverallEffect, IReadOnlyList<string> SegmentsAgainst);
