using CohortKit.Statistics;

namespace CohortKit.Temporal.Survival;

/// <summary>A discrete-time hazard (life) table: for each period [k·L, (k+1)·L), the subjects at risk at its start, the
/// events and censorings inside it, the hazard events/at-risk with its Wilson interval, and survival to its end.</summary>
/// <remarks>Immutable and thread-safe. A subject censored inside a period counts as at risk for the whole period (the
/// discrete-time convention, no actuarial half-period correction). The table stops before the first period with nobody at
/// risk, so every hazard is defined.</remarks>
public sealed record DiscreteHazardTable
{
    /// <summary>Gets the period length L.</summary>
    public required double PeriodLength { get; init; }

    /// <summary>Gets one row per period, from period 0.</summary>
    public required IReadOnlyList<HazardPeriod> Periods { get; init; }
}

/// <summary>One period of a <see cref="DiscreteHazardTable"/>.</summary>
public sealed record HazardPeriod
{
    /// <summary>Gets the period index k (the period is [k·L, (k+1)·L)).</summary>
    public required int Period { get; init; }

    /// <summary>Gets the number of subjects whose time is at least k·L.</summary>
    public required int AtRisk { get; init; }

    /// <summary>Gets the events inside the period.</summary>
    public required int Events { get; init; }

    /// <summary>Gets the censorings inside the period.</summary>
    public required int Censored { get; init; }

    /// <summary>Gets the hazard, events / at-risk.</summary>
    public required double Hazard { get; init; }

    /// <summary>Gets the Wilson score interval of the hazard.</summary>
    public required ConfidenceInterval HazardInterval { get; init; }

    /// <summary>Gets survival to the end of the period, the product of (1 − hazard) so far.</summary>
    public required double Survival { get; init; }
}
