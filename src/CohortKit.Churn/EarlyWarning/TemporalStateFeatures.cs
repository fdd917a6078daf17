using CohortKit.Events;
using CohortKit.Learners;
using CohortKit.Temporal.Progression;
using CohortKit.Temporal.Retention;

namespace CohortKit.Churn.EarlyWarning;

/// <summary>Temporal's engagement state and churn hazard as early-warning features (issue 11: "Temporal's state and hazard
/// when present"): <c>temporal_state=&lt;state&gt;</c> indicators of the learner's state in the last full period that ends
/// on or before the as-of date, and <c>temporal_hazard</c>, the hazard of that state under a fitted model.</summary>
/// <remarks>
/// <para><b>No leakage.</b> States are classified from events on or before the as-of date only (the observation window ends
/// there, and a period counts only when it lies fully inside it). The hazard model must be fitted on training data — e.g.
/// <see cref="ProgressionModel.Fit(LearnerStateHistory, DateOnly?)"/> with <c>trainUntil</c> at or before the training as-of
/// date — because a model fitted on later periods carries the future into the feature.</para>
/// <para>A learner with no full period yet (signed up within the last period) has every indicator 0 and the hazard of
/// <see cref="LearnerState.Onboarding"/>. Immutable and thread-safe.</para>
/// </remarks>
/// <param name="Progression">Classifies the states (its options set the period length and the churn rule).</param>
/// <param name="Hazard">The hazard per state, e.g. a <see cref="TransitionMatrix"/>.</param>
public sealed record TemporalStateFeatures(ProgressionModel Progression, IChurnHazard Hazard)
{
    /// <summary>The hazard column's name.</summary>
    public const string HazardName = "temporal_hazard";

    /// <summary>The indicator columns' prefix; the state's name follows it.</summary>
    public const string StatePrefix = "temporal_state=";

    /// <summary>The names this adds, in column order: one indicator per state, then the hazard.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. Enum.GetValues<LearnerState>().Select(s => StatePrefix + s), HazardName];

    /// <summary>Each learner's state as of the end of <paramref name="asOf"/>, or null when no full period ends by then.</summary>
    /// <param name="learners">The learners.</param>
    /// <param name="log">Their events.</param>
    /// <param name="asOf">The as-of date.</param>
    /// <returns>One state (or null) per learner.</returns>
    internal LearnerState?[] StatesAsOf(LearnerAttributes learners, ActivityLog log, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(Progression);
        ArgumentNullException.ThrowIfNull(Hazard);
        var firstSignup = learners.Count == 0 ? asOf : learners.SignupDates.ToArray().Min();
        var result = new LearnerState?[learners.Count];
        if (firstSignup > asOf)
        {
            return result;
        }

        var history = Progression.Classify(learners, log, new ObservationWindow(firstSignup, asOf));
        for (var l = 0; l < learners.Count; l++)
        {
            var states = history.Of(l);
            result[l] = states.Length == 0 ? null : states[^1];
        }

        return result;
    }
}
