namespace CohortKit.Regions.Stores;

/// <summary>A learner's identity row (personal data: <see cref="Policy.DataClass.Identity"/>).</summary>
public sealed record LearnerRecord
{
    /// <summary>Gets the learner id (opaque text).</summary>
    public required string LearnerId { get; init; }

    /// <summary>Gets the ISO 3166-1 alpha-2 country, which fixes the home region.</summary>
    public required string Country { get; init; }

    /// <summary>Gets the home region's name.</summary>
    public required string HomeRegion { get; init; }

    /// <summary>Gets the display name (PII).</summary>
    public required string DisplayName { get; init; }

    /// <summary>Gets the e-mail address (PII).</summary>
    public required string Email { get; init; }

    /// <summary>Gets the plan (e.g. <c>free</c>, <c>pro</c>).</summary>
    public required string Plan { get; init; }

    /// <summary>Gets the age band (e.g. <c>25-34</c>).</summary>
    public required string AgeBand { get; init; }

    /// <summary>Gets when the learner registered.</summary>
    public required DateTimeOffset RegisteredAt { get; init; }
}

/// <summary>One activity event (<see cref="Policy.DataClass.ActivityEvents"/>).</summary>
/// <param name="LearnerId">The learner.</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="Kind">The kind, e.g. <c>session</c> (whose value is minutes), <c>quiz</c>, <c>video</c>.</param>
/// <param name="Value">The value, finite.</param>
public sealed record LearnerEvent(string LearnerId, DateTimeOffset Timestamp, string Kind, double Value);

/// <summary>One model feature of a learner (<see cref="Policy.DataClass.ModelFeatures"/>).</summary>
/// <param name="LearnerId">The learner.</param>
/// <param name="Name">The feature's name.</param>
/// <param name="Value">The value.</param>
public sealed record LearnerFeature(string LearnerId, string Name, double Value);

/// <summary>A learner's membership of a cohort (a derived artefact).</summary>
/// <param name="LearnerId">The learner.</param>
/// <param name="Cohort">The cohort.</param>
public sealed record CohortMembership(string LearnerId, string Cohort);

/// <summary>A decision taken about a learner, e.g. an intervention (a derived artefact).</summary>
/// <param name="LearnerId">The learner.</param>
/// <param name="Decision">What was decided.</param>
/// <param name="DecidedAt">When.</param>
public sealed record LearnerDecision(string LearnerId, string Decision, DateTimeOffset DecidedAt);

/// <summary>Everything held about learners in one write (or one learner's export): identity rows, events and derived artefacts.</summary>
public sealed record LearnerBatch
{
    /// <summary>Gets the identity rows.</summary>
    public IReadOnlyList<LearnerRecord> Learners { get; init; } = [];

    /// <summary>Gets the activity events.</summary>
    public IReadOnlyList<LearnerEvent> Events { get; init; } = [];

    /// <summary>Gets the model features.</summary>
    public IReadOnlyList<LearnerFeature> Features { get; init; } = [];

    /// <summary>Gets the cohort memberships.</summary>
    public IReadOnlyList<CohortMembership> Cohorts { get; init; } = [];

    /// <summary>Gets the decisions.</summary>
    public IReadOnlyList<LearnerDecision> Decisions { get; init; } = [];

    /// <summary>Gets the number of rows in the batch.</summary>
    public long Rows => Learners.Count + Events.Count + Features.Count + Cohorts.Count + Decisions.Count;
}

/// <summary>One learner's per-learner total of a kind of event, with the learner's group (the input of a regional summary;
/// it never leaves the region).</summary>
/// <param name="LearnerId">The learner.</param>
/// <param name="Group">The value of the grouping column.</param>
/// <param name="Total">Σ value over the learner's events of the kind; 0 when there are none.</param>
public readonly record struct LearnerTotal(string LearnerId, string Group, double Total);
