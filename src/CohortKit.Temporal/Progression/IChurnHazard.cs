namespace CohortKit.Temporal.Progression;

/// <summary>The churned state's hazard, for CohortKit.Churn and any other consumer: the probability of being
/// <see cref="LearnerState.Churned"/> next period, or within several, given today's state.</summary>
public interface IChurnHazard
{
    /// <summary>P(churned next period | state now).</summary>
    /// <param name="state">The state now.</param>
    /// <returns>A probability in [0, 1].</returns>
    double Hazard(LearnerState state);

    /// <summary>P(churned after <paramref name="periods"/> periods | state now), from the k-step transition matrix.</summary>
    /// <param name="state">The state now.</param>
    /// <param name="periods">The horizon, at least 1.</param>
    /// <returns>A probability in [0, 1].</returns>
    double ChurnedAfter(LearnerState state, int periods);
}
