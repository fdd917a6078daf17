using CohortKit.Experiments.Effects;
using CohortKit.Experiments.Readout;

namespace CohortKit.Cli.Experiments;

/// <summary>The JSON document of <c>cohortkit experiment ab --json</c>.</summary>
/// <param name="Srm">The sample-ratio-mismatch gate.</param>
/// <param name="Trustworthy">False when the SRM gate failed.</param>
/// <param name="EffectsWithheld">True when the gate failed and <c>--allow-srm</c> was not given: metrics and segments are empty.</param>
/// <param name="NoGuardrailRegression">Whether no guardrail regressed; null (omitted) when there are no guardrails.</param>
/// <param name="Alpha">The nominal significance level.</param>
/// <param name="Metrics">The overall comparisons.</param>
/// <param name="Segments">The per-segment comparisons.</param>
/// <param name="Notes">Every family's multiple-testing note, once each.</param>
/// <param name="SkippedSegments">The segment comparisons that could not be made, with the reason (never dropped silently).</param>
internal sealed record AbReport(SrmReport Srm, bool Trustworthy, bool EffectsWithheld, bool? NoGuardrailRegression, double Alpha,
    IReadOnlyList<ReadoutRow> Metrics, IReadOnlyList<ReadoutRow> Segments, IReadOnlyList<string> Notes, IReadOnlyList<SkippedRow> SkippedSegments)
{
    public static AbReport From(ExperimentReadout readout, IReadOnlyList<string> arms, bool showEffects) => new(
        new SrmReport(readout.Srm.ChiSquare, readout.Srm.PValue, arms, readout.Srm.Observed, readout.Srm.ExpectedRatios, readout.Srm.Threshold, readout.Srm.IsMismatch),
        readout.Trustworthy,
        !showEffects,
        showEffects ? readout.NoGuardrailRegression : null,
        readout.Alpha,
        showEffects ? readout.Metrics.Select(ReadoutRow.From).ToList() : [],
        showEffects ? readout.Segments.Select(ReadoutRow.From).ToList() : [],
        showEffects ? NotesOf(readout) : [],
        showEffects ? readout.SkippedSegments.Select(SkippedRow.From).ToList() : []);

    /// <summary>Each family's note once, overall families first.</summary>
    public static IReadOnlyList<string> NotesOf(ExperimentReadout readout) =>
        readout.Metrics.Concat(readout.Segments).Select(r => r.Adjustment).Distinct().ToList();
}

/// <summary>A segment comparison the readout could not make; <c>reason</c> is <c>too_few_units</c> or <c>degenerate</c>.</summary>
internal sealed record SkippedRow(string Metric, string Arm, string Segment, string Reason, string Detail)
{
    public static SkippedRow From(SkippedComparison s) => new(s.Metric, s.Arm, s.Segment,
        s.Reason == SkipReason.TooFewUnits ? "too_few_units" : "degenerate", s.Detail);

    /// <summary>The row as one sentence for people (console and Markdown).</summary>
    public string Sentence() => $"Segment '{Segment}': {Metric} ({Arm} against control) not compared: {Detail.TrimEnd('.')}.";
}

/// <summary>The SRM check with the arms named, in the arm column's order of first appearance (the order of <c>--expected-ratios</c>).</summary>
internal sealed record SrmReport(double ChiSquare, double PValue, IReadOnlyList<string> Arms, IReadOnlyList<long> Observed,
    IReadOnlyList<double> ExpectedRatios, double Threshold, bool Mismatch);

/// <summary>One (metric, arm, segment) comparison; the field names are the CLI's JSON contract.</summary>
internal sealed record ReadoutRow(string Metric, string Arm, string Role, string? Segment, string Test, string Interval,
    long ControlN, long TreatmentN, double ControlMean, double TreatmentMean, double AbsoluteEffect, double StandardError,
    double CiLow, double CiHigh, double CiLevel, double? RelativeEffect, double? RelativeCiLow, double? RelativeCiHigh,
    double PValue, double AdjustedPValue, double Statistic, double? DegreesOfFreedom, double Alpha, string Adjustment,
    double? VarianceReduction, bool Regression)
{
    public static ReadoutRow From(MetricReadout r) => new(r.Metric, r.Arm, r.Role.ToString().ToLowerInvariant(), r.Segment, TestName(r.Test), IntervalOf(TestName(r.Test)),
        r.ControlN, r.TreatmentN, r.ControlMean, r.TreatmentMean, r.AbsoluteEffect, r.StandardError,
        r.Interval.Low, r.Interval.High, r.Interval.Level, r.RelativeEffect, r.RelativeInterval?.Low, r.RelativeInterval?.High,
        r.PValue, r.AdjustedPValue, r.Statistic, r.DegreesOfFreedom, r.Alpha, r.Adjustment, r.VarianceReduction, r.Regression);

    /// <summary>The test's name in the JSON contract: welch, proportion, mannwhitney, cuped, cluster, ratio.</summary>
    public static string TestName(TwoSampleTest test) => test.ToString().ToLowerInvariant();

    /// <summary>What the effect's interval is, so that a rank test's row does not pass off a Welch interval as its own.</summary>
    public static string IntervalOf(string test) => test switch
    {
        "welch" => "difference in means, Welch t",
        "proportion" => "difference in rates, Wald z",
        "mannwhitney" => "difference in means, Welch t (the p-value is the rank test's; the interval is not a rank-based one)",
        "cuped" => "difference in CUPED-adjusted means, Welch t",
        "cluster" => "difference in means, cluster-robust t with G - 1 df",
        "ratio" => "difference in ratios, delta-method z",
        _ => test,
    };
}
