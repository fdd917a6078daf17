using CohortKit.Churn.Interventions.Dispatch;
using CohortKit.Experiments.Effects;
using CohortKit.Experiments.Hypothesis;
using CohortKit.Learners;
using CohortKit.Statistics;

namespace CohortKit.Churn.Interventions.Outcomes;

/// <summary>Treated against holdout churn, read out through CohortKit.Experiments.</summary>
/// <remarks>Intent to treat: the treated arm is every learner with a decision that was not withheld (sent, or planned and
/// never delivered), the holdout arm every learner with a withheld decision. Both arms were selected by the same rules,
/// budgets and ranking, and the holdout is random, so the difference is the causal effect of the programme on the learners
/// it targets. Learners with no known outcome are left out of both arms and counted.</remarks>
public sealed record InterventionOutcome
{
    /// <summary>Gets the learners in the treated arm with a known outcome.</summary>
    public required long TreatedLearners { get; init; }

    /// <summary>Gets the treated learners who churned.</summary>
    public required long TreatedChurned { get; init; }

    /// <summary>Gets the treated learners at least one of whose decisions the channel accepted.</summary>
    public required long TreatedDelivered { get; init; }

    /// <summary>Gets the learners in the holdout arm with a known outcome.</summary>
    public required long HoldoutLearners { get; init; }

    /// <summary>Gets the holdout learners who churned.</summary>
    public required long HoldoutChurned { get; init; }

    /// <summary>Gets the learners with a decision but no outcome, left out.</summary>
    public required long MissingOutcomes { get; init; }

    /// <summary>Gets the treated arm's churn rate with its Wilson interval.</summary>
    public required ConfidenceInterval TreatedRateInterval { get; init; }

    /// <summary>Gets the holdout arm's churn rate with its Wilson interval.</summary>
    public required ConfidenceInterval HoldoutRateInterval { get; init; }

    /// <summary>Gets the two-proportion z-test with control = holdout, treatment = treated: <see cref="TwoSampleResult.AbsoluteEffect"/>
    /// is treated churn − holdout churn (negative when the interventions reduce churn), with its Wald interval.</summary>
    public required TwoSampleResult Difference { get; init; }
}

/// <summary>Computes an <see cref="InterventionOutcome"/> from the stored decisions and observed churn.</summary>
public static class InterventionReadout
{
    /// <summary>Reads out treated against holdout churn.</summary>
    /// <param name="decisions">The decisions of the period (e.g. every stored decision).</param>
    /// <param name="churned">Whether each learner churned in the outcome window; learners missing here are left out.</param>
    /// <param name="alpha">1 − the confidence level, in (0, 1).</param>
    /// <returns>The readout.</returns>
    /// <exception cref="ArgumentException">An arm has fewer than 2 learners with an outcome, or every learner has the same
    /// outcome (the test is undefined); the message says which.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is outside (0, 1).</exception>
    public static InterventionOutcome Compute(IReadOnlyList<InterventionDecision> decisions, IReadOnlyDictionary<LearnerId, bool> churned, double alpha = 0.05)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentNullException.ThrowIfNull(churned);
        var arms = new Dictionary<LearnerId, (bool Holdout, bool Delivered)>();
        foreach (var d in decisions)
        {
            var holdout = d.State == DecisionState.Withheld;
            var sent = d.State == DecisionState.Sent;
            arms[d.Key.Learner] = arms.TryGetValue(d.Key.Learner, out var arm)
                ? (arm.Holdout && holdout, arm.Delivered || sent)
                : (holdout, sent);
        }

        long treated = 0, treatedChurned = 0, delivered = 0, held = 0, heldChurned = 0, missing = 0;
        foreach (var (learner, arm) in arms)
        {
            if (!churned.TryGetValue(learner, out var churn))
            {
                missing++;
                continue;
            }

            if (arm.Holdout)
            {
                held++;
                heldChurned += churn ? 1 : 0;
            }
            else
            {
                treated++;
                treatedChurned += churn ? 1 : 0;
                delivered += arm.Delivered ? 1 : 0;
            }
        }

        if (held < 2)
        {
            throw new ArgumentException($"The holdout arm has {held} learners with an outcome; the readout needs at least 2.", nameof(decisions));
        }

        if (treated < 2)
        {
            throw new ArgumentException($"The treated arm has {treated} learners with an outcome; the readout needs at least 2.", nameof(decisions));
        }

        return new InterventionOutcome
        {
            TreatedLearners = treated,
            TreatedChurned = treatedChurned,
            TreatedDelivered = delivered,
            HoldoutLearners = held,
            HoldoutChurned = heldChurned,
            MissingOutcomes = missing,
            TreatedRateInterval = WilsonInterval.Compute(treatedChurned, treated, alpha),
            HoldoutRateInterval = WilsonInterval.Compute(heldChurned, held, alpha),
            Difference = TwoProportionZTest.Compute(heldChurned, held, treatedChurned, treated, alpha),
        };
    }
}
