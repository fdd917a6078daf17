namespace CohortKit.Deployment.Migrations;

/// <summary>What one phase of a migration did.</summary>
public sealed record MigrationPhaseResult
{
    /// <summary>Gets the migration's version.</summary>
    public required long Version { get; init; }

    /// <summary>Gets the phase.</summary>
    public required MigrationPhase Phase { get; init; }

    /// <summary>Gets whether the phase ran now (<see langword="false"/> when the history shows it had already run: phases are idempotent).</summary>
    public required bool Applied { get; init; }

    /// <summary>Gets when the phase started (UTC, from the controller's <see cref="TimeProvider"/>).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets how long it took.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Gets the rows the backfill updated (0 for expand and contract).</summary>
    public long RowsUpdated { get; init; }

    /// <summary>Gets the backfill batches run (0 for expand and contract).</summary>
    public int Batches { get; init; }
}
