namespace CohortKit.Temporal.Scheduling;

/// <summary>The re-formation cadence chosen for each current cohort, with the reason.</summary>
public sealed record ReassignmentSchedule
{
    /// <summary>Gets the weeks each cadence was simulated over.</summary>
    public required int HorizonWeeks { get; init; }

    /// <summary>Gets the number of simulated futures.</summary>
    public required int Simulations { get; init; }

    /// <summary>Gets one entry per current cohort, by id.</summary>
    public required IReadOnlyList<CohortCadence> Cohorts { get; init; }
}

/// <summary>One cohort's cadence: the choice, the estimates it was made from, and why.</summary>
public sealed record CohortCadence
{
    /// <summary>Gets the current cohort id.</summary>
    public required int Cohort { get; init; }

    /// <summary>Gets its number of members.</summary>
    public required int Size { get; init; }

    /// <summary>Gets the estimated drift of its members: the root mean square weekly change of a feature.</summary>
    public required double DriftPerWeek { get; init; }

    /// <summary>Gets the chosen cadence.</summary>
    public required ReformationCadence Cadence { get; init; }

    /// <summary>Gets one estimate per cadence, weekly first.</summary>
    public required IReadOnlyList<CadenceEstimate> Estimates { get; init; }

    /// <summary>Gets the reason for the choice, in words.</summary>
    public required string Reason { get; init; }
}

/// <summary>What one cadence is expected to give the members of one cohort over the horizon.</summary>
public sealed record CadenceEstimate
{
    /// <summary>Gets the cadence.</summary>
    public required ReformationCadence Cadence { get; init; }

    /// <summary>Gets the members' mean similarity to their cohort-mates, averaged over weeks and simulations.</summary>
    public required double MeanSimilarity { get; init; }

    /// <summary>Gets the members' moves to another cohort per member and week.</summary>
    public required double MovesPerMemberWeek { get; init; }

    /// <summary>Gets MeanSimilarity − MoveCost × MovesPerMemberWeek.</summary>
    public required double Value { get; init; }

    /// <summary>Gets the standard error of <see cref="Value"/> over the simulations.</summary>
    public required double StandardError { get; init; }
}
