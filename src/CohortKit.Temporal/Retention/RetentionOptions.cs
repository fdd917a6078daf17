namespace CohortKit.Temporal.Retention;

/// <summary>Settings of <see cref="RetentionAnalyzer"/>.</summary>
public sealed class RetentionOptions
{
    /// <summary>Gets or sets the confidence level of the Wilson intervals.</summary>
    /// <value>The default value is 0.95.</value>
    public double ConfidenceLevel { get; set; } = 0.95;

    /// <summary>Gets or sets how many threads scan the activity log (at least 1).</summary>
    /// <value>The default value is <see cref="Environment.ProcessorCount"/>.</value>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>A copy, so that an engine keeps the settings it validated whatever the caller changes later.</summary>
    internal RetentionOptions Snapshot() => (RetentionOptions)MemberwiseClone();
}
