using CohortKit.Reliability.Slo;

namespace CohortKit.Reliability.Incidents;

/// <summary>How bad an incident is; escalation raises it one step.</summary>
public enum IncidentSeverity
{
    /// <summary>Work-hours attention (from a ticket alert).</summary>
    Low,

    /// <summary>Someone is paged (from a page alert).</summary>
    High,

    /// <summary>Escalated past the first responder, or raised as such.</summary>
    Critical,
}

/// <summary>What happened at one point of an incident's timeline.</summary>
public enum TimelineEntryKind
{
    /// <summary>The first alert opened the incident.</summary>
    Opened,

    /// <summary>Another alert with the same fingerprint arrived and was folded in.</summary>
    AlertDeduplicated,

    /// <summary>The acknowledgement deadline passed without an acknowledgement.</summary>
    Escalated,

    /// <summary>A responder acknowledged the incident.</summary>
    Acknowledged,

    /// <summary>A runbook action started.</summary>
    ActionStarted,

    /// <summary>A runbook action succeeded.</summary>
    ActionSucceeded,

    /// <summary>A runbook action failed.</summary>
    ActionFailed,

    /// <summary>The incident was resolved.</summary>
    Resolved,
}

/// <summary>An alert handed to the coordinator.</summary>
/// <param name="Fingerprint">The deduplication key: alerts with the same fingerprint while an incident is open join it.</param>
/// <param name="Severity">The alert's severity (page → <see cref="IncidentSeverity.High"/>, ticket → <see cref="IncidentSeverity.Low"/>).</param>
/// <param name="Summary">One line for humans; never learner data.</param>
public sealed record Alert(string Fingerprint, AlertSeverity Severity, string Summary);

/// <summary>One entry of an incident's timeline.</summary>
/// <param name="At">When.</param>
/// <param name="Kind">What.</param>
/// <param name="Detail">A line for humans.</param>
public sealed record TimelineEntry(DateTimeOffset At, TimelineEntryKind Kind, string Detail);

/// <summary>A snapshot of one incident.</summary>
public sealed record IncidentReport
{
    /// <summary>Gets the incident's number, from 1 in order of opening.</summary>
    public required int Id { get; init; }

    /// <summary>Gets the fingerprint of its alerts.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Gets the current severity.</summary>
    public required IncidentSeverity Severity { get; init; }

    /// <summary>Gets the first alert's summary.</summary>
    public required string Summary { get; init; }

    /// <summary>Gets when the first alert arrived.</summary>
    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>Gets when it was acknowledged, or null.</summary>
    public required DateTimeOffset? AcknowledgedAt { get; init; }

    /// <summary>Gets when it was resolved, or null while open.</summary>
    public required DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>Gets how many alerts it gathered (the first included).</summary>
    public required int Alerts { get; init; }

    /// <summary>Gets how many times it escalated.</summary>
    public required int Escalations { get; init; }

    /// <summary>Gets the timeline, oldest first.</summary>
    public required IReadOnlyList<TimelineEntry> Timeline { get; init; }

    /// <summary>Gets the time to acknowledge, or null when not acknowledged.</summary>
    public TimeSpan? TimeToAcknowledge => AcknowledgedAt - OpenedAt;

    /// <summary>Gets the time to resolve (from the first alert), or null while open.</summary>
    public TimeSpan? TimeToResolve => ResolvedAt - OpenedAt;
}

/// <summary>Mean times over incidents.</summary>
public sealed record IncidentMetrics
{
    /// <summary>Gets the incidents counted.</summary>
    public required int Incidents { get; init; }

    /// <summary>Gets the mean time to acknowledge over acknowledged incidents, or null when none was.</summary>
    public required TimeSpan? MeanTimeToAcknowledge { get; init; }

    /// <summary>Gets the mean time to resolve over resolved incidents, or null when none was.</summary>
    public required TimeSpan? MeanTimeToResolve { get; init; }

    /// <summary>Computes the means from timelines.</summary>
    /// <param name="incidents">The incidents.</param>
    /// <returns>The metrics.</returns>
    public static IncidentMetrics From(IReadOnlyCollection<IncidentReport> incidents)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        return new IncidentMetrics
        {
            Incidents = incidents.Count,
            MeanTimeToAcknowledge = Mean(incidents.Select(i => i.TimeToAcknowledge)),
            MeanTimeToResolve = Mean(incidents.Select(i => i.TimeToResolve)),
        };
    }

    private static TimeSpan? Mean(IEnumerable<TimeSpan?> spans)
    {
        var known = spans.OfType<TimeSpan>().ToList();
        return known.Count == 0 ? null : TimeSpan.FromTicks(known.Sum(t => t.Ticks) / known.Count);
    }
}
