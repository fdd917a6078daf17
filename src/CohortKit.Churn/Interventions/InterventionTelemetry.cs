using System.Diagnostics.Metrics;

namespace CohortKit.Churn.Interventions;

/// <summary>The orchestrator's instruments, on <see cref="ChurnTelemetry.Meter"/>: counts only, tagged by action name
/// (a playbook-declared word), never by learner.</summary>
internal static class InterventionTelemetry
{
    /// <summary>The tag carrying the action's name.</summary>
    public const string ActionTag = "action";

    /// <summary>New decisions to send.</summary>
    public static readonly Counter<long> Planned = ChurnTelemetry.Meter.CreateCounter<long>("cohortkit.churn.interventions.planned", "{decision}", "Decisions planned to be sent.");

    /// <summary>New decisions withheld for the holdout.</summary>
    public static readonly Counter<long> Withheld = ChurnTelemetry.Meter.CreateCounter<long>("cohortkit.churn.interventions.withheld", "{decision}", "Decisions withheld because the learner is in the holdout.");

    /// <summary>Decisions the channel accepted.</summary>
    public static readonly Counter<long> Sent = ChurnTelemetry.Meter.CreateCounter<long>("cohortkit.churn.interventions.sent", "{decision}", "Decisions the channel accepted.");

    /// <summary>Channel calls that threw.</summary>
    public static readonly Counter<long> Failed = ChurnTelemetry.Meter.CreateCounter<long>("cohortkit.churn.interventions.failed", "{decision}", "Channel calls that threw; retried later.");

    /// <summary>Decisions expired unsent.</summary>
    public static readonly Counter<long> Expired = ChurnTelemetry.Meter.CreateCounter<long>("cohortkit.churn.interventions.expired", "{decision}", "Decisions never sent within the retry window.");
}
