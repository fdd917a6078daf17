namespace CohortKit.Deployment.Records;

/// <summary>The four DORA figures over a window of deployment records.</summary>
public sealed record DoraReport
{
    /// <summary>Gets the window's start (inclusive).</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>Gets the window's end (exclusive).</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>Gets the deployments that reached production (succeeded or failed in production) finished in the window.</summary>
    public required int Deployments { get; init; }

    /// <summary>Gets the deployments stopped by a gate before taking traffic (not counted in the figures below).</summary>
    public required int StoppedByGates { get; init; }

    /// <summary>Gets the deployment frequency: successful deployments per day.</summary>
    public required double DeploymentsPerDay { get; init; }

    /// <summary>Gets the median lead time for changes (commit to successful deployment), or null without commit times.</summary>
    public TimeSpan? MedianLeadTime { get; init; }

    /// <summary>Gets the change failure rate: failed in production / deployments (0 when none).</summary>
    public required double ChangeFailureRate { get; init; }

    /// <summary>Gets the median time to restore service (failure detected to traffic back on blue), or null without failures.</summary>
    public TimeSpan? MedianTimeToRestore { get; init; }
}

/// <summary>Computes the DORA figures (deployment frequency, lead time for changes, change failure rate, time to restore
/// service) from deployment records, with medians as the DORA reports use.</summary>
public static class DoraMetrics
{
    /// <summary>Computes the figures for records that finished in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    /// <param name="records">The records.</param>
    /// <param name="from">The window's start.</param>
    /// <param name="to">The window's end (after <paramref name="from"/>).</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">The window is empty.</exception>
    public static DoraReport Compute(IEnumerable<DeploymentRecord> records, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (to <= from)
        {
            throw new ArgumentException($"The window [{from:O}, {to:O}) is empty.", nameof(to));
        }

        var inWindow = records.Where(r => r.FinishedAt >= from && r.FinishedAt < to).ToList();
        var production = inWindow.Where(r => r.Outcome != DeploymentOutcome.StoppedByGate).ToList();
        var succeeded = production.Where(r => r.Outcome == DeploymentOutcome.Succeeded).ToList();
        var failed = production.Where(r => r.Outcome == DeploymentOutcome.FailedInProduction).ToList();
        return new DoraReport
        {
            From = from,
            To = to,
            Deployments = production.Count,
            StoppedByGates = inWindow.Count - production.Count,
            DeploymentsPerDay = succeeded.Count / (to - from).TotalDays,
            MedianLeadTime = Median(succeeded.Where(r => r.CommittedAt is not null).Select(r => r.FinishedAt - r.CommittedAt!.Value)),
            ChangeFailureRate = production.Count == 0 ? 0 : (double)failed.Count / production.Count,
            MedianTimeToRestore = Median(failed.Where(r => r.FailureDetectedAt is not null && r.RestoredAt is not null).Select(r => r.RestoredAt!.Value - r.FailureDetectedAt!.Value)),
        };
    }

    /// <summary>The median (mean of the two middle values for an even count), or null for none.</summary>
    private static TimeSpan? Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : TimeSpan.FromTicks((sorted[mid - 1].Ticks + sorted[mid].Ticks) / 2);
    }
}
