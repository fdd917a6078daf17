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

    internal void Validate()
    {
        if (Iterations is < 1 or > MaxIterations) { throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, $"Iterations must be in [1, {MaxIterations:N0}]."); }
        if (!(Split is > 0 and < 1) || Math.Round(Split * 65536) is < 1 or > 65535) { throw new ArgumentOutOfRangeException(nameof(Split), Split, "Split must be in [1/65,536, 65,535/65,536], the assignment's resolution."); }
        Guard.Alpha(Alpha, nameof(Alpha));
        Guard.Probability(ConfidenceLevel, nameof(ConfidenceLevel));
        if (!(Power > Alpha && Power < 1)) { throw new ArgumentOutOfRangeException(nameof(Power), Power, $"Power ({Power}) must be in (Alpha = {Alpha}, 1): the minimum detectable effect is reported at this power, which must exceed alpha."); }
        if (MaxDegreeOfParallelism < 1) { throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be at least 1."); }
    }
}
