namespace CohortKit.Churn.Interventions;

/// <summary>What one orchestrator run did. Counts only: no learner appears in it.</summary>
public sealed record InterventionRunReport
{
    /// <summary>Gets the UTC day the run planned for.</summary>
    public required DateOnly Day { get; init; }

    /// <summary>Gets the learners scored.</summary>
    public required int Learners { get; init; }

    /// <summary>Gets the new decisions to send planned by this run.</summary>
    public required int Planned { get; init; }

    /// <summary>Gets the new decisions withheld by this run because the learner is in the holdout.</summary>
    public required int Withheld { get; init; }

    /// <summary>Gets the learners that already had a decision for the day (a rerun), left as they were.</summary>
    public required int AlreadyDecided { get; init; }

    /// <summary>Gets the learners a rule matched but whose every matching rule was in cooldown for its action.</summary>
    public required int SkippedByCooldown { get; init; }

    /// <summary>Gets the learners a rule matched but who had reached a matching rule's frequency cap.</summary>
    public required int SkippedByFrequencyCap { get; init; }

    /// <summary>Gets the learners eligible under some rule who got nothing because its action's daily budget was spent.</summary>
    public required int SkippedByBudget { get; init; }

    /// <summary>Gets the decisions the channel accepted in this run (including retries of earlier days).</summary>
    public required int Sent { get; init; }

    /// <summary>Gets the decisions the channel rejected in this run; they are retried on the next run.</summary>
    public required int Failed { get; init; }

    /// <summary>Gets the decisions that passed the retry window unsent and were expired by this run.</summary>
    public required int Expired { get; init; }
}
