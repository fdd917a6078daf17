using CohortKit.Experiments.AaValidation;
using CohortKit.Experiments.Drift;

namespace CohortKit.Cli.Experiments;

/// <summary>The JSON document of <c>cohortkit experiment aa --json</c>.</summary>
/// <param name="Metrics">One row per metric (two with <c>--cluster</c>: the naive and the cluster-robust analysis).</param>
/// <param name="Segments">One row per (segment, metric).</param>
internal sealed record AaReport(IReadOnlyList<AaRow> Metrics, IReadOnlyList<AaRow> Segments);

/// <summary>One A/A result; the field names are the CLI's JSON contract.</summary>
internal sealed record AaRow(string Metric, string? Segment, string Analysis, int? Clusters, int Units, int Iterations, int FalsePositives,
    double FalsePositiveRate, double FalsePositiveRateCiLow, double FalsePositiveRateCiHigh, double KsStatistic, double KsPValue,
    double? MinimumDetectableRelativeEffect, bool IsCalibrated, double Alpha)
{
    public static AaRow From(AaMetricResult r) => new(r.Metric, r.Segment, AnalysisName(r), r.Clusters, r.Units, r.Iterations, r.FalsePositives,
        r.FalsePositiveRate, r.FalsePositiveRateInterval.Low, r.FalsePositiveRateInterval.High, r.KsStatistic, r.KsPValue,
        r.MinimumDetectableRelativeEffect, r.IsCalibrated, r.Alpha);

    public static string AnalysisName(AaMetricResult r) => r.Analysis == AaAnalysis.ClusterRobust ? "clusterRobust" : "unit";
}

/// <summary>The JSON document of <c>cohortkit experiment drift --json</c>.</summary>
/// <param name="Metrics">One result per metric over the whole population.</param>
/// <param name="Segments">One result per (segment, metric).</param>
internal sealed record DriftReport(IReadOnlyList<DriftRow> Metrics, IReadOnlyList<DriftRow> Segments);

/// <summary>One drift result; the field names are the CLI's JSON contract.</summary>
internal sealed record DriftRow(string Metric, string? Segment, long BeforeN, long AfterN, double BeforeMean, double AfterMean,
    double? RelativeChange, double? RelativeCiLow, double? RelativeCiHigh, double PValue, double PopulationStabilityIndex, bool Flagged)
{
    public static DriftRow From(DriftResult r) => new(r.Metric, r.Segment, r.BeforeN, r.AfterN, r.BeforeMean, r.AfterMean,
        r.RelativeChange, r.RelativeInterval?.Low, r.RelativeInterval?.High, r.PValue, r.PopulationStabilityIndex, r.Flagged);
}
