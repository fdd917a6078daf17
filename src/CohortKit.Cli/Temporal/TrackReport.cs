using System.Globalization;
using System.Text.Json.Serialization;
using CohortKit.Temporal.Tracking;

namespace CohortKit.Cli.Temporal;

/// <summary>One cohort's size and metric means in one period.</summary>
internal sealed record TrackCohortResult(string Period, string Cohort, int Size, IReadOnlyDictionary<string, double> Means);

/// <summary>One Sankey edge; a null source is an entry, a null target an exit.</summary>
internal sealed record TrackFlowResult(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Source,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Target,
    string Kind,
    long Count);

/// <summary>One attribute's change of mix in one cohort.</summary>
internal sealed record TrackCompositionResult(
    string Attribute, IReadOnlyList<string> Categories, IReadOnlyList<double> BeforeShares, IReadOnlyList<double> AfterShares,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? ChiSquare,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Df,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? PValue,
    double Psi, bool Flagged);

/// <summary>One metric's change of mean in one cohort.</summary>
internal sealed record TrackMetricResult(
    string Metric, double BeforeMean, double AfterMean,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? RelativeChange,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? CiLow,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? CiHigh,
    double PValue, double Psi, bool Flagged);

/// <summary>One cohort's drift between the two periods.</summary>
internal sealed record TrackDriftResult(string Cohort, int BeforeSize, int AfterSize, bool Flagged, IReadOnlyList<TrackCompositionResult> Composition, IReadOnlyList<TrackMetricResult> Metrics);

/// <summary>The JSON document of <c>cohortkit track</c>.</summary>
internal sealed record TrackResult(
    IReadOnlyList<string> Periods,
    string From,
    string To,
    IReadOnlyList<TrackCohortResult> Cohorts,
    IReadOnlyList<TrackFlowResult> Flows,
    IReadOnlyList<TrackDriftResult> Drift)
{
    public static TrackResult Of(CohortTracker tracker, DateOnly from, DateOnly to)
    {
        var flows = tracker.Flows(from, to);
        var drift = tracker.Drift(from, to);
        return new TrackResult(
            tracker.Snapshots.Select(s => Day(s.Period)).ToArray(),
            Day(from),
            Day(to),
            tracker.Snapshots.SelectMany(s => s.Cohorts.Select(c => new TrackCohortResult(Day(s.Period), c.Cohort, c.Size, c.Metrics.ToDictionary(m => m.Key, m => m.Value.Mean)))).ToArray(),
            flows.Flows.Select(f => new TrackFlowResult(f.Source, f.Target, f.Kind.ToString().ToLowerInvariant(), f.Count)).ToArray(),
            drift.Select(d => new TrackDriftResult(d.Cohort, d.BeforeSize, d.AfterSize, d.Flagged,
                d.Composition.Select(c => new TrackCompositionResult(c.Attribute, c.Categories, c.BeforeShares, c.AfterShares, c.Test?.ChiSquare, c.Test?.DegreesOfFreedom, c.Test?.PValue, c.PopulationStabilityIndex, c.Flagged)).ToArray(),
                d.Metrics.Select(m => new TrackMetricResult(m.Metric, m.BeforeMean, m.AfterMean, m.RelativeChange, m.RelativeInterval?.Low, m.RelativeInterval?.High, m.PValue, m.PopulationStabilityIndex, m.Flagged)).ToArray())).ToArray());
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
