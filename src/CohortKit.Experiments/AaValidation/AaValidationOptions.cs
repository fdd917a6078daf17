namespace CohortKit.Experiments.AaValidation;

/// <summary>Settings of <see cref="AaTestValidator"/>.</summary>
public sealed class AaValidationOptions
{
    /// <summary>The largest <see cref="Iterations"/> accepted: a million re-randomisations put the false-positive rate's
    /// standard error near 0.0002, far below any decision it informs, and bound a run's time.</summary>
    public const int MaxIterations = 1_000_000;

    /// <summary>Gets or sets how many times the population is re-randomised (at most <see cref="MaxIterations"/>).</summary>
    /// <value>The default value is 1,000.</value>
    public int Iterations { get; set; } = 1_000;

    /// <summary>Gets or sets the share of units assigned to the second arm in each re-randomisation (Bernoulli assignment; resolution 1/65,536 except at exactly 0.5).</summary>
    /// <value>The default value is 0.5.</value>
    public double Split { get; set; } = 0.5;

    /// <summary>Gets or sets the significance level of each Welch test.</summary>
    /// <value>The default value is 0.05.</value>
    public double Alpha { get; set; } = 0.05;

    /// <summary>Gets or sets the confidence level of the false-positive-rate interval (Clopper–Pearson).</summary>
    /// <value>The default value is 0.95.</value>
    public double ConfidenceLevel { get; set; } = 0.95;

    /// <summary>Gets or sets the power at which the minimum detectable effect is reported.</summary>
    /// <value>The default value is 0.8.</value>
    public double Power { get; set; } = 0.8;

    /// <summary>Gets or sets the seed; the same seed gives the same report whatever the thread count.</summary>
    /// <value>The default value is 42.</value>
    public long Seed { get; set; } = 42;

    /// <summary>Gets or sets the largest number of threads used.</summary>
    /// <value>The default value is the processor count.</value>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>A copy, so that an engine keeps the settings it validated whatever the caller changes later.</summary>
    internal AaValidationOptions Snapshot() => (AaValidationOptions)MemberwiseClone();
}
