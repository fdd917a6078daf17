namespace CohortKit.Temporal.Survival;

/// <summary>Survival of all subjects together and of each group, with the log-rank test across the groups.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record SurvivalComparison
{
    /// <summary>Gets the curve of all subjects together.</summary>
    public required KaplanMeierCurve Overall { get; init; }

    /// <summary>Gets one curve per group, in the order of the group column's categories.</summary>
    public required IReadOnlyList<GroupCurve> Groups { get; init; }

    /// <summary>Gets the log-rank test across the groups.</summary>
    public required LogRankResult LogRank { get; init; }
}

/// <summary>The Kaplan–Meier curve of one group.</summary>
public sealed record GroupCurve
{
    /// <summary>Gets the group's value.</summary>
    public required string Group { get; init; }

    /// <summary>Gets the group's curve.</summary>
    public required KaplanMeierCurve Curve { get; init; }
}
