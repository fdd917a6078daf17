using System.Globalization;
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
/// <para>A <see cref="Models.ChurnModel"/> trained on these columns carries this object (<see cref="Models.ChurnModel.WithTemporal"/>)
/// and saves it with the model when <see cref="Hazard"/> is a <see cref="TransitionMatrix"/>, so that scoring rebuilds the
/// same columns.</para>
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

    /// <summary>Fits Temporal's state model and its Markov hazard on training data only: the states of the periods that lie
    /// fully inside the days from the log's first event to <paramref name="trainUntil"/> (Temporal's observation window, so a
    /// learner who signed up before the log begins, whose early periods are unobserved, adds no transition), and
    /// <see cref="ProgressionModel.Fit(LearnerStateHistory, DateOnly?)"/> with <paramref name="trainUntil"/>. No event after
    /// <paramref name="trainUntil"/> reaches the hazard.</summary>
    /// <param name="learners">The learners.</param>
    /// <param name="log">Their events (only the first event's day and the events on or before <paramref name="trainUntil"/> are used).</param>
    /// <param name="trainUntil">The last training day, e.g. the training as-of date.</param>
    /// <param name="options">The state rules; null for the defaults (weekly periods, churned after three inactive weeks).</param>
    /// <returns>The features' state model and hazard.</returns>
    /// <exception cref="ArgumentException">The log is empty or its learner count differs, an event precedes its learner's signup
    /// (from <see cref="ProgressionModel.Classify"/>), or <paramref name="trainUntil"/> is before the first event (param
    /// <c>trainUntil</c>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the parameter name is the option's).</exception>
    public static TemporalStateFeatures Fit(LearnerAttributes learners, ActivityLog log, DateOnly trainUntil, ProgressionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(learners);
        ArgumentNullException.ThrowIfNull(log);
        var progression = new ProgressionModel(options ?? new ProgressionOptions());
        var first = ObservationWindow.Spanning(log).Start;
        if (trainUntil < first)
        {
            throw new ArgumentOutOfRangeException(nameof(trainUntil), trainUntil, string.Create(CultureInfo.InvariantCulture, $"The training day {trainUntil:yyyy-MM-dd} is before the first event ({first:yyyy-MM-dd})."));
        }

        var history = progression.Classify(learners, log, new ObservationWindow(first, trainUntil));
        return new(progression, progression.Fit(history, trainUntil));
    }

    /// <summary>Whether a feature name is one of this type's columns.</summary>
    /// <param name="name">The feature name.</param>
    /// <returns>True for <see cref="HazardName"/> and every name starting with <see cref="StatePrefix"/>.</returns>
    internal static bool IsColumn(string name) => name == HazardName || name.StartsWith(StatePrefix, StringComparison.Ordinal);

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
