namespace CohortKit.Reliability.Recovery;

/// <summary>What a disaster-recovery drill found.</summary>
public sealed record DrillResult
{
    /// <summary>Gets the backend.</summary>
    public required StateStoreKind Store { get; init; }

    /// <summary>Gets the records whose transaction committed before the disaster.</summary>
    public required long Committed { get; init; }

    /// <summary>Gets the records found in the restored store (duplicates counted each time).</summary>
    public required long Restored { get; init; }

    /// <summary>Gets the committed records missing from the restored store.</summary>
    public required long Lost { get; init; }

    /// <summary>Gets the extra copies of records found more than once in the restored store.</summary>
    public required long Duplicated { get; init; }

    /// <summary>Gets the recovery point: the time between the last committed record and the newest record the restore holds
    /// (0 when nothing committed was lost).</summary>
    public required TimeSpan RecoveryPoint { get; init; }

    /// <summary>Gets the recovery time: from the disaster (the primary destroyed) to the restored store verified and readable.</summary>
    public required TimeSpan RecoveryTime { get; init; }

    /// <summary>Gets how long the backup took.</summary>
    public required TimeSpan BackupDuration { get; init; }
}
