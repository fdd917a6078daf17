namespace CohortKit.Temporal.Survival;

/// <summary>Settings of <see cref="SurvivalAnalyzer"/>.</summary>
public sealed class SurvivalOptions
{
    /// <summary>Gets or sets the confidence level of every interval (survival, median, hazard).</summary>
    /// <value>The default value is 0.95.</value>
    public double ConfidenceLevel { get; set; } = 0.95;

    /// <summary>A copy, so that an engine keeps the settings it validated whatever the caller changes later.</summary>
    internal SurvivalOptions Snapshot() => (SurvivalOptions)MemberwiseClone();
}
