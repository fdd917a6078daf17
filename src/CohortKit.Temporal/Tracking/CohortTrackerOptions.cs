using CohortKit.Experiments.Drift;

namespace CohortKit.Temporal.Tracking;

/// <summary>Settings of <see cref="CohortTracker"/>'s drift checks.</summary>
public sealed class CohortTrackerOptions
{
    /// <summary>Gets or sets the significance level of the composition (chi-square) and metric (Welch) tests.</summary>
    /// <value>The default value is 0.05.</value>
    public double Alpha { get; set; } = 0.05;

    /// <summary>Gets or sets the population stability index a significant composition change must exceed to be flagged.</summary>
    /// <value>The default value is 0.01.</value>
    public double CompositionThreshold { get; set; } = 0.01;

    /// <summary>Gets or sets the relative change of a cohort's metric mean a significant change must exceed to be flagged
    /// (passed to <see cref="MeasurementDrift.Compare"/>).</summary>
    /// <value>The default value is <see cref="MeasurementDrift.DefaultThreshold"/> (0.1 %).</value>
    public double MetricThreshold { get; set; } = MeasurementDrift.DefaultThreshold;

    /// <summary>A copy, so that an engine keeps the settings it validated whatever the caller changes later.</summary>
    internal CohortTrackerOptions Snapshot() => (CohortTrackerOptions)MemberwiseClone();
}
