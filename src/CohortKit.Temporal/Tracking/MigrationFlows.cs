namespace CohortKit.Temporal.Tracking;

/// <summary>What a migration flow is: the same cohort in both periods, another cohort, or in or out of the tracked population.</summary>
public enum MigrationKind
{
    /// <summary>In the same cohort (by name) in both periods.</summary>
    Stayed = 0,

    /// <summary>In one cohort, then in another.</summary>
    Moved = 1,

    /// <summary>Not in the earlier snapshot, in a cohort of the later one (<see cref="MigrationFlow.Source"/> is <see langword="null"/>).</summary>
    Entered = 2,

    /// <summary>In a cohort of the earlier snapshot, not in the later one (<see cref="MigrationFlow.Target"/> is <see langword="null"/>).</summary>
    Left = 3,
}

/// <summary>One edge of a Sankey chart: how many learners went from <see cref="Source"/> to <see cref="Target"/>.</summary>
public sealed record MigrationFlow
{
    /// <summary>Gets the cohort in the earlier period, or <see langword="null"/> for learners who entered.</summary>
    public string? Source { get; init; }

    /// <summary>Gets the cohort in the later period, or <see langword="null"/> for learners who left.</summary>
    public string? Target { get; init; }

    /// <summary>Gets the kind of flow.</summary>
    public required MigrationKind Kind { get; init; }

    /// <summary>Gets the number of learners (at least 1: empty flows are not listed).</summary>
    public required long Count { get; init; }
}

/// <summary>The migration between the snapshots of two periods: the data of a Sankey chart.</summary>
/// <remarks>Immutable and thread-safe. Flows are ordered by source (the earlier snapshot's cohort order, entries last), then
/// target (the later snapshot's cohort order, exits last). Every member of the earlier snapshot is in exactly one flow
/// with a source, every member of the later one in exactly one flow with a target.</remarks>
public sealed record MigrationFlows
{
    /// <summary>Gets the earlier period.</summary>
    public required DateOnly From { get; init; }

    /// <summary>Gets the later period.</summary>
    public required DateOnly To { get; init; }

    /// <summary>Gets the non-empty flows.</summary>
    public required IReadOnlyList<MigrationFlow> Flows { get; init; }

    /// <summary>Gets the number of learners in a flow of the given kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The total count.</returns>
    public long Total(MigrationKind kind) => Flows.Where(f => f.Kind == kind).Sum(f => f.Count);
}
