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

    /// <summary>Gets the recovery point: 0 when nothing committed was lost; otherwise the time from the commit of the earliest
    /// lost record to the disaster (everything committed since may be missing, so a record lost in the middle counts).</summary>
    public required TimeSpan RecoveryPoint { get; init; }

    /// <summary>Gets the recovery time: from the moment the primary is gone (after it was deleted or dropped) to the restored
    /// store read back and verified by key against the committed records.</summary>
    public required TimeSpan RecoveryTime { get; init; }

    /// <summary>Gets how long the backup took.</summary>
    public required TimeSpan BackupDuration { get; init; }
}
