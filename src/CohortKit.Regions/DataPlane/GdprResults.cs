using CohortKit.Regions.Stores;

namespace CohortKit.Regions.DataPlane;

/// <summary>The receipt of an erasure (GDPR Art. 17).</summary>
public sealed record ErasureReceipt
{
    /// <summary>Gets the learner's pseudonymous token, as audited.</summary>
    public required string SubjectToken { get; init; }

    /// <summary>Gets the learner's home region.</summary>
    public required string HomeRegion { get; init; }

    /// <summary>Gets the rows deleted over all stores and tables.</summary>
    public required long RowsDeleted { get; init; }

    /// <summary>Gets the stores searched and cleaned (every region's).</summary>
    public required int StoresCleaned { get; init; }

    /// <summary>Gets the sequence number of the audit entry.</summary>
    public required long AuditSequence { get; init; }

    /// <summary>Gets the regions outside the policy's allowed set whose store held rows of the learner (erased with the rest,
    /// each audited as <see cref="Audit.AuditAction.MisplacedDataFound"/>); empty normally.</summary>
    public required IReadOnlyList<string> MisplacedRegions { get; init; }
}

/// <summary>Everything held about one learner, read from the home region only (GDPR Art. 15 and 20).</summary>
public sealed record LearnerExport
{
    /// <summary>Gets the learner id.</summary>
    public required string LearnerId { get; init; }

    /// <summary>Gets the home region the data was read from.</summary>
    public required string HomeRegion { get; init; }

    /// <summary>Gets when the export was made.</summary>
    public required DateTimeOffset ExportedAt { get; init; }

    /// <summary>Gets the identity row.</summary>
    public required LearnerRecord Learner { get; init; }

    /// <summary>Gets the activity events.</summary>
    public required IReadOnlyList<LearnerEvent> Events { get; init; }

    /// <summary>Gets the model features.</summary>
    public required IReadOnlyList<LearnerFeature> Features { get; init; }

    /// <summary>Gets the cohort memberships.</summary>
    public required IReadOnlyList<CohortMembership> Cohorts { get; init; }

    /// <summary>Gets the decisions.</summary>
    public required IReadOnlyList<LearnerDecision> Decisions { get; init; }

    /// <summary>Gets the regions outside the policy's allowed set whose store held an identity row of the learner: not read
    /// for the export (which reads the home region only), each audited as <see cref="Audit.AuditAction.MisplacedDataFound"/>;
    /// empty normally.</summary>
    public required IReadOnlyList<string> MisplacedRegions { get; init; }
}
