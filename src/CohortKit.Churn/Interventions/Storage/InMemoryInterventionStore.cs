using CohortKit.Churn.Interventions.Dispatch;

namespace CohortKit.Churn.Interventions.Storage;

/// <summary>An <see cref="IInterventionStore"/> in memory: for tests and hosts that keep no history across restarts.</summary>
/// <remarks>Thread-safe (one lock).</remarks>
public sealed class InMemoryInterventionStore : IInterventionStore
{
    private readonly Dictionary<DecisionKey, InterventionDecision> _rows = [];
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<InterventionDecision>> GetDecisionsAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return new(Ordered(_rows.Values.Where(d => d.Key.Day >= first && d.Key.Day <= last)));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<InterventionDecision>> GetPendingAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return new(Ordered(_rows.Values.Where(d => d.IsPending)));
        }
    }

    /// <inheritdoc />
    public ValueTask<int> AddAsync(IReadOnlyList<InterventionDecision> decisions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var added = 0;
            foreach (var d in decisions)
            {
                added += _rows.TryAdd(d.Key, d) ? 1 : 0;
            }

            return new(added);
        }
    }

    /// <inheritdoc />
    public ValueTask UpdateAsync(InterventionDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!_rows.ContainsKey(decision.Key))
            {
                throw new KeyNotFoundException("No stored decision has this key.");
            }

            _rows[decision.Key] = decision;
        }

        return ValueTask.CompletedTask;
    }

    private static List<InterventionDecision> Ordered(IEnumerable<InterventionDecision> rows) =>
        [.. rows.OrderBy(d => d.Key.Day).ThenBy(d => d.Key.Learner.Value).ThenBy(d => d.Key.Action, StringComparer.Ordinal)];
}
