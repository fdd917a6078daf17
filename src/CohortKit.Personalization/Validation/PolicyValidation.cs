using CohortKit.Experiments.Readout;

namespace CohortKit.Personalization.Validation;

/// <summary>Why a policy may not go live.</summary>
public enum ValidationBlocker
{
    /// <summary>The split of units between policy and holdout does not match the design (sample-ratio mismatch): the test cannot be trusted.</summary>
    SampleRatioMismatch,

    /// <summary>The reward's improvement is not significant at α (or the policy is worse).</summary>
    NotSignificant,

    /// <summary>A guardrail metric regressed significantly, overall or in a segment.</summary>
    GuardrailRegression,

    /// <summary>The reward regressed significantly in a segment.</summary>
    SegmentRegression,
}

/// <summary>The verdict of <see cref="PolicyAbValidator"/> and the Experiments readout behind it.</summary>
public sealed record PolicyValidation
{
    /// <summary>Gets whether the policy may go live: no blocker.</summary>
    public bool Ship => Blockers.Count == 0;

    /// <summary>Gets every reason not to ship (empty when it may ship).</summary>
    public required IReadOnlyList<ValidationBlocker> Blockers { get; init; }

    /// <summary>Gets the segments in which the reward or a guardrail regressed.</summary>
    public required IReadOnlyList<string> RegressedSegments { get; init; }

    /// <summary>Gets the primary comparison: policy against holdout on the reward.</summary>
    public required MetricReadout Reward { get; init; }

    /// <summary>Gets the full Experiments readout (SRM, every metric, segments).</summary>
    public required ExperimentReadout Readout { get; init; }
}
