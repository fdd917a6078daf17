namespace CohortKit.Temporal.Survival;

/// <summary>The log-rank test (R's <c>survdiff</c>, rho = 0) that the survival curves of several groups are equal.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record LogRankResult
{
    /// <summary>Gets the chi-square statistic, (O − E)ᵀ V⁻¹ (O − E) over all groups but one.</summary>
    public required double ChiSquare { get; init; }

    /// <summary>Gets the degrees of freedom: the groups with a positive expected count, minus one. 0 means fewer than two
    /// groups had an expected event (one group, or no event at all): the test is undefined, and then
    /// <see cref="ChiSquare"/> is 0 and <see cref="PValue"/> 1 by convention only (the CLI reports no test).</summary>
    public required int DegreesOfFreedom { get; init; }

    /// <summary>Gets the p-value, the upper tail of the chi-square distribution.</summary>
    public required double PValue { get; init; }

    /// <summary>Gets the observed events per group, in group-code order.</summary>
    public required IReadOnlyList<int> Observed { get; init; }

    /// <summary>Gets the expected events per group under equal hazards, in group-code order.</summary>
    public required IReadOnlyList<double> Expected { get; init; }
}
