using CohortKit.Learners;

namespace CohortKit.Churn.Interventions.Dispatch;

/// <summary>One intervention to deliver.</summary>
/// <param name="Key">The decision's identity; deliver at most once per key (it is the idempotency key).</param>
/// <param name="RuleId">The playbook rule that chose it.</param>
public sealed record InterventionMessage(DecisionKey Key, string RuleId)
{
    /// <summary>Gets the learner to reach.</summary>
    public LearnerId Learner => Key.Learner;

    /// <summary>Gets the action's name (e.g. <c>nudge_email</c>).</summary>
    public string Action => Key.Action;
}

/// <summary>Delivers interventions (an email service, a tutor queue, a content service…). The orchestrator hands each
/// decision over until the call returns; a call that throws is retried on a later run with the same key.</summary>
/// <remarks>Implementations should deduplicate on <see cref="InterventionMessage.Key"/>: if a run stops between a
/// successful call and the recording of its outcome, the next run repeats the call with the same key.</remarks>
public interface IInterventionChannel
{
    /// <summary>Delivers one intervention.</summary>
    /// <param name="message">What to deliver, to whom.</param>
    /// <param name="cancellationToken">Cancels the delivery.</param>
    /// <returns>A task that completes when the channel has accepted the message.</returns>
    ValueTask SendAsync(InterventionMessage message, CancellationToken cancellationToken);
}
