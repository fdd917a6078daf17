namespace CohortKit.Temporal.Survival;

/// <summary>The Nelson–Aalen cumulative hazard at each event time, with R survfit's <c>std.chaz</c>: √Σ d/n².</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record NelsonAalenCurve
{
    /// <summary>Gets the event times, ascending.</summary>
    public required IReadOnlyList<double> Times { get; init; }

    /// <summary>Gets H(t) = Σ d/n up to each event time.</summary>
    public required IReadOnlyList<double> CumulativeHazard { get; init; }

    /// <summary>Gets the standard error of H(t), √Σ d/n².</summary>
    public required IReadOnlyList<double> StandardError { get; init; }
}
