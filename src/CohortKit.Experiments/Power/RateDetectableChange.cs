namespace CohortKit.Experiments.Power;

/// <summary>The smallest changes of a rate that a two-sided z-test detects with the requested power
/// (<see cref="PowerAnalysis.RateMinimumDetectableChange"/>).</summary>
public sealed record RateDetectableChange
{
    /// <summary>Gets the minimum detectable Cohen's h.</summary>
    public required double CohensH { get; init; }

    /// <summary>Gets the smallest detectable rise of the rate (rate units, positive), or <see langword="null"/> when no rise
    /// can reach the power (the rate is too close to 1 for this sample size).</summary>
    public required double? Increase { get; init; }

    /// <summary>Gets the smallest detectable fall of the rate (rate units, positive), or <see langword="null"/> when no fall
    /// can reach the power (the rate is too close to 0 for this sample size).</summary>
    public required double? Decrease { get; init; }
}
