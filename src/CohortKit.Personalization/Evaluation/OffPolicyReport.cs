using CohortKit.Statistics;

namespace CohortKit.Personalization.Evaluation;

/// <summary>One estimate of a policy's value (its expected reward per decision).</summary>
public sealed record PolicyValueEstimate
{
    /// <summary>Gets the estimate.</summary>
    public required double Value { get; init; }

    /// <summary>Gets the standard error: the sample standard deviation of the per-row terms over √n.</summary>
    public required double StandardError { get; init; }

    /// <summary>Gets the normal interval <c>Value ± z(1 − α/2)·StandardError</c>.</summary>
    public required ConfidenceInterval Interval { get; init; }
}

/// <summary>The result of an off-policy evaluation.</summary>
public sealed record OffPolicyReport
{
    /// <summary>Gets the number of log rows.</summary>
    public required int Rows { get; init; }

    /// <summary>Gets the action labels, in the log's order.</summary>
    public required IReadOnlyList<string> Actions { get; init; }

    /// <summary>Gets the effective sample size of the importance weights, <c>(Σw)² / Σw²</c>, with <c>w = π(a|x) / p</c>.</summary>
    public required double EffectiveSampleSize { get; init; }

    /// <summary>Gets the logging policy's own value: the mean logged reward.</summary>
    public required PolicyValueEstimate Logged { get; init; }

    /// <summary>Gets inverse propensity scoring: the mean of <c>r·w</c>.</summary>
    public required PolicyValueEstimate Ips { get; init; }

    /// <summary>Gets self-normalised IPS, <c>Σ r·w / Σ w</c>; its standard error is the delta method's, from the per-row
    /// terms <c>w·(r − V) / mean(w)</c>.</summary>
    public required PolicyValueEstimate Snips { get; init; }

    /// <summary>Gets the doubly-robust estimate: the mean of <c>Σ_a π(a|x)·q̂(x, a) + w·(r − q̂(x, a_logged))</c> with a
    /// cross-fitted ridge reward model q̂ per action.</summary>
    public required PolicyValueEstimate DoublyRobust { get; init; }

    /// <summary>Gets α of the intervals.</summary>
    public required double Alpha { get; init; }
}
