using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CohortKit.Reliability;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> of CohortKit.Reliability, both named <c>CohortKit.Reliability</c>.</summary>
/// <remarks>Instruments carry counts and durations only, never learner identifiers or request contents.</remarks>
public static class ReliabilityTelemetry
{
    /// <summary>The name of the meter and activity source.</summary>
    public const string Name = "CohortKit.Reliability";

    /// <summary>Gets the activity source (SLO evaluations, incidents, runbook actions, DR drills).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Gets the meter.</summary>
    public static Meter Meter { get; } = new(Name);

    internal static Counter<long> AlertsFired { get; } = Meter.CreateCounter<long>("cohortkit.reliability.alerts_fired", "{alert}", "Burn-rate alerts that started firing.");

    internal static Counter<long> IncidentsOpened { get; } = Meter.CreateCounter<long>("cohortkit.reliability.incidents_opened", "{incident}", "Incidents opened by the coordinator.");

    internal static Counter<long> Escalations { get; } = Meter.CreateCounter<long>("cohortkit.reliability.escalations", "{escalation}", "Incidents escalated because the acknowledgement deadline passed.");

    internal static Counter<long> RetriesRefused { get; } = Meter.CreateCounter<long>("cohortkit.reliability.retries_refused", "{retry}", "Retries refused by a retry budget.");
}
