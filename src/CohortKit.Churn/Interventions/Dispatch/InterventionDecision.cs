using System.Globalization;
using CohortKit.Learners;

namespace CohortKit.Churn.Interventions.Dispatch;

/// <summary>The identity of a decision: one learner, one action, one UTC day. Planning never makes two decisions with the
/// same key, the store keeps one row per key, and a channel receives it as an idempotency key.</summary>
/// <param name="Learner">The learner.</param>
/// <param name="Action">The action's name.</param>
/// <param name="Day">The UTC day the decision was planned for.</param>
public readonly record struct DecisionKey(LearnerId Learner, string Action, DateOnly Day)
{
    /// <summary>Returns <c>learner/action/yyyy-MM-dd</c>, the idempotency key a channel should deduplicate on.</summary>
    /// <returns>The key as text.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Learner.Value}/{Action}/{Day:yyyy-MM-dd}");
}

/// <summary>Where a decision is in its life.</summary>
public enum DecisionState
{
    /// <summary>Planned and persisted, not yet handed to the channel.</summary>
    Planned = 0,

    /// <summary>Handed to the channel; the outcome was not recorded (the run stopped). The next run sends it again with the
    /// same key, so a channel that deduplicates on <see cref="DecisionKey"/> delivers it once.</summary>
    Dispatching = 1,

    /// <summary>The channel accepted it. Final.</summary>
    Sent = 2,

    /// <summary>The channel threw; the next run retries it.</summary>
    Failed = 3,

    /// <summary>The learner is in the permanent holdout: recorded for the readout, never sent. Final.</summary>
    Withheld = 4,

    /// <summary>Still unsent after the retry window; kept for the record, never sent. Final.</summary>
    Expired = 5,
}

/// <summary>One persisted decision.</summary>
public sealed record InterventionDecision
{
    /// <summary>Gets the decision's identity.</summary>
    public required DecisionKey Key { get; init; }

    /// <summary>Gets the id of the playbook rule that made it.</summary>
    public required string RuleId { get; init; }

    /// <summary>Gets the state.</summary>
    public required DecisionState State { get; init; }

    /// <summary>Gets how many times it was handed to the channel.</summary>
    public required int Attempts { get; init; }

    /// <summary>Gets when it was planned.</summary>
    public required DateTimeOffset PlannedAt { get; init; }

    /// <summary>Gets when its state last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets the type name of the channel's last exception, if any (never its message, which may hold learner data).</summary>
    public string? LastError { get; init; }

    /// <summary>Whether the decision still has to be handed to the channel.</summary>
    public bool IsPending => State is DecisionState.Planned or DecisionState.Dispatching or DecisionState.Failed;

    /// <summary>Whether the decision counts as a contact for caps, cooldowns and budgets (every state except
    /// <see cref="DecisionState.Expired"/>; a withheld decision counts so that the holdout is selected as the treated are).</summary>
    public bool CountsAsContact => State != DecisionState.Expired;
}
