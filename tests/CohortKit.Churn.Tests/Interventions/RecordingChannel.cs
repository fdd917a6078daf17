using System.Collections.Concurrent;
using CohortKit.Churn.Interventions.Dispatch;

namespace CohortKit.Churn.Tests.Interventions;

/// <summary>Counts deliveries per decision key. It can fail (throw) on chosen calls, or cancel the run after k deliveries:
/// the "kill" of the kill test. It does not deduplicate: a second delivery of a key is counted, so duplicates show.</summary>
internal sealed class RecordingChannel : IInterventionChannel
{
    private int _calls;

    public ConcurrentDictionary<DecisionKey, int> Deliveries { get; } = new();

    /// <summary>Decides, from the 1-based call number, whether this call throws before delivering.</summary>
    public Func<int, bool> FailCall { get; set; } = _ => false;

    /// <summary>The run's cancellation source, cancelled by <see cref="KillAfterDeliveries"/> or <see cref="CancelInsideAfter"/>.</summary>
    public CancellationTokenSource? Kill { get; set; }

    /// <summary>Cancels <see cref="Kill"/> after the k-th delivery: the run stops between calls.</summary>
    public int? KillAfterDeliveries { get; set; }

    /// <summary>On the call after k deliveries, cancels <see cref="Kill"/> (if set) and throws
    /// <see cref="OperationCanceledException"/> before delivering: the run stops inside a call.</summary>
    public int? CancelInsideAfter { get; set; }

    public int Delivered => Deliveries.Values.Sum();

    public ValueTask SendAsync(InterventionMessage message, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        if (CancelInsideAfter is { } k && Delivered >= k)
        {
            Kill?.Cancel();
            throw new OperationCanceledException(cancellationToken);
        }

        if (FailCall(call))
        {
            throw new InvalidOperationException("channel down");
        }

        Deliveries.AddOrUpdate(message.Key, 1, (_, n) => n + 1);
        if (KillAfterDeliveries is { } after && Delivered >= after)
        {
            Kill?.Cancel();
        }

        return ValueTask.CompletedTask;
    }
}
