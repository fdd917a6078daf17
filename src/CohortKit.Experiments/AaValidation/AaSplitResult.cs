using CohortKit.Experiments.Readout;

namespace CohortKit.Experiments.AaValidation;

/// <summary>What <see cref="AaTestValidator.AnalyzeSplit"/> found in a real A/A split.</summary>
public sealed record AaSplitResult
{
    /// <summary>Gets the readout of the split (Holm-adjusted across metrics and arms).</summary>
    public required ExperimentReadout Readout { get; init; }

    /// <summary>Gets whether the split confirms "no difference": no sample-ratio mismatch and no metric whose adjusted
    /// p-value is below the validator's alpha.</summary>
    public required bool NoDifference { get; init; }
}
