namespace CohortKit.Reliability.Slo;

/// <summary>One alert rule's state at an evaluation.</summary>
public sealed record BurnRateAlertState
{
    /// <summary>Gets the rule's severity.</summary>
    public required AlertSeverity Severity { get; init; }

    /// <summary>Gets the long window.</summary>
    public required TimeSpan LongWindow { get; init; }

    /// <summary>Gets the short window.</summary>
    public required TimeSpan ShortWindow { get; init; }

    /// <summary>Gets the burn-rate threshold both windows must exceed.</summary>
    public required double Threshold { get; init; }

    /// <summary>Gets the burn rate over the long window: its error ratio / (1 − objective); 0 without requests.</summary>
    public required double LongBurnRate { get; init; }

    /// <summary>Gets the burn rate over the short window; 0 without requests.</summary>
    public required double ShortBurnRate { get; init; }

    /// <summary>Gets the requests counted in the long window (before any low-traffic floor).</summary>
    public required long LongWindowRequests { get; init; }

    /// <summary>Gets whether both windows exceed the threshold.</summary>
    public required bool Firing { get; init; }

    /// <summary>Gets when the alert started firing (the evaluation that first saw it), or null when it is not firing.</summary>
    public required DateTimeOffset? FiringSince { get; init; }
}

/// <summary>The state of an objective at one evaluation.</summary>
public sealed record SloStatus
{
    /// <summary>Gets the evaluation time.</summary>
    public required DateTimeOffset EvaluatedAt { get; init; }

    /// <summary>Gets the objective.</summary>
    public required double Objective { get; init; }

    /// <summary>Gets the requests in the period (up to and including the current bucket).</summary>
    public required long Requests { get; init; }

    /// <summary>Gets the bad requests in the period.</summary>
    public required long BadRequests { get; init; }

    /// <summary>Gets the share of the period's error budget spent: bad / (requests × (1 − objective)); 0 without requests, above 1 when overspent.</summary>
    public required double ErrorBudgetConsumed { get; init; }

    /// <summary>Gets the good share of the period's requests; 1 without requests.</summary>
    public required double Attainment { get; init; }

    /// <summary>Gets each alert rule's state, in the order of the options.</summary>
    public required IReadOnlyList<BurnRateAlertState> Alerts { get; init; }
}
