using CohortKit.Regions.Policy;

namespace CohortKit.Regions.Audit;

/// <summary>What an audit entry records.</summary>
public enum AuditAction
{
    /// <summary>A read of learner data outside the allowed regions was refused.</summary>
    ReadRefused,

    /// <summary>A copy of learner data into a region outside the allowed set was refused.</summary>
    CopyRefused,

    /// <summary>Learner data was copied into another allowed region.</summary>
    Copied,

    /// <summary>A learner's home region was moved by an explicit transfer.</summary>
    Transferred,

    /// <summary>A learner was erased (GDPR Art. 17).</summary>
    Erased,

    /// <summary>A learner's data was exported (GDPR Art. 15 and 20).</summary>
    Exported,

    /// <summary>An aggregate of at least k learners was released across regions.</summary>
    AggregateReleased,

    /// <summary>An aggregate of fewer than k learners was suppressed.</summary>
    AggregateSuppressed,

    /// <summary>A noisy release was refused because the dataset's privacy budget would be exceeded.</summary>
    PrivacyBudgetRefused,

    /// <summary>Rows of a learner were found in a store outside every region the policy allows for them (put there by
    /// something other than the data plane); the target region is that store's, the detail says what was done with them.</summary>
    MisplacedDataFound,
}

/// <summary>What a caller asks the audit log to record; the log adds the sequence number, time and hashes. Only pseudonymous
/// tokens, region names and counts belong here: never a learner id or personal data.</summary>
public sealed record AuditRecord
{
    /// <summary>Gets the action.</summary>
    public required AuditAction Action { get; init; }

    /// <summary>Gets the data class concerned, if any.</summary>
    public DataClass? DataClass { get; init; }

    /// <summary>Gets the learner's home region (or the region that released an aggregate), if any.</summary>
    public string? SourceRegion { get; init; }

    /// <summary>Gets the region that read, or would have held, the data, if any.</summary>
    public string? TargetRegion { get; init; }

    /// <summary>Gets the learner's pseudonymous token, if the entry concerns one learner.</summary>
    public string? Subject { get; init; }

    /// <summary>Gets a non-personal detail: a dataset name, a group count, a budget figure.</summary>
    public string? Detail { get; init; }
}

/// <summary>One entry of the hash-chained audit log.</summary>
public sealed record AuditEntry
{
    /// <summary>Gets the 1-based position in the log; consecutive.</summary>
    public required long Sequence { get; init; }

    /// <summary>Gets when the entry was written.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets what was recorded.</summary>
    public required AuditRecord Record { get; init; }

    /// <summary>Gets the hash of the previous entry (64 zeros for the first).</summary>
    public required string PreviousHash { get; init; }

    /// <summary>Gets SHA-256 over the previous hash and this entry's canonical content, lower-case hex.</summary>
    public required string Hash { get; init; }
}
