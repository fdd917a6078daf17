using CohortKit.Churn.Interventions.Dispatch;

namespace CohortKit.Churn.Interventions.Storage;

/// <summary>Persists intervention decisions, one row per <see cref="DecisionKey"/>. The default is
/// <see cref="SqliteInterventionStore"/>; <see cref="InMemoryInterventionStore"/> serves tests and short-lived hosts.</summary>
/// <remarks>Implementations must be safe for one orchestrator run at a time; runs of one playbook should not overlap.</remarks>
public interface IInterventionStore
{
    /// <summary>Gets the decisions whose day lies in [<paramref name="first"/>, <paramref name="last"/>].</summary>
    /// <param name="first">The first day.</param>
    /// <param name="last">The last day.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The decisions, in key order.</returns>
    ValueTask<IReadOnlyList<InterventionDecision>> GetDecisionsAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken);

    /// <summary>Gets every decision still to be handed to the channel (<see cref="InterventionDecision.IsPending"/>).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The pending decisions, by day then key.</returns>
    ValueTask<IReadOnlyList<InterventionDecision>> GetPendingAsync(CancellationToken cancellationToken);

    /// <summary>Adds the decisions whose key is not stored yet, all or none (one transaction); stored keys are left unchanged.</summary>
    /// <param name="decisions">The new decisions.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many were added.</returns>
    ValueTask<int> AddAsync(IReadOnlyList<InterventionDecision> decisions, CancellationToken cancellationToken);

    /// <summary>Replaces the state, attempts, error and update time of a stored decision.</summary>
    /// <param name="decision">The decision, with its new state.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="KeyNotFoundException">No decision has that key.</exception>
    ValueTask UpdateAsync(InterventionDecision decision, CancellationToken cancellationToken);
}
