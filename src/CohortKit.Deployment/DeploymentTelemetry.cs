using System.Diagnostics;
using System.Diagnostics.Metrics;
using CohortKit.Deployment.BlueGreen;
using CohortKit.Deployment.Canary;
using CohortKit.Deployment.Migrations;
using Microsoft.Extensions.Logging;

namespace CohortKit.Deployment;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> of CohortKit.Deployment, both named <c>CohortKit.Deployment</c>.</summary>
/// <remarks>Instruments carry counts and durations only, never learner identifiers or request contents.</remarks>
public static partial class DeploymentTelemetry
{
    /// <summary>The name of the meter and activity source.</summary>
    public const string Name = "CohortKit.Deployment";

    /// <summary>Gets the activity source (migration phases, deployment steps, canary judgements).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Gets the meter.</summary>
    public static Meter Meter { get; } = new(Name);

    internal static Counter<long> MigrationPhases { get; } = Meter.CreateCounter<long>("cohortkit.deployment.migration_phases", "{phase}", "Migration phases applied (expand, migrate, contract).");

    internal static Counter<long> BackfilledRows { get; } = Meter.CreateCounter<long>("cohortkit.deployment.backfilled_rows", "{row}", "Rows updated by migration backfills.");

    internal static Counter<long> Switches { get; } = Meter.CreateCounter<long>("cohortkit.deployment.switches", "{switch}", "Traffic switches applied.");

    internal static Counter<long> Rollbacks { get; } = Meter.CreateCounter<long>("cohortkit.deployment.rollbacks", "{rollback}", "Deployments rolled back.");

    internal static Histogram<double> RollbackDuration { get; } = Meter.CreateHistogram<double>("cohortkit.deployment.rollback_duration", "s", "Time from a rollback decision until all traffic is on blue.");

    internal static Counter<long> CanaryVerdicts { get; } = Meter.CreateCounter<long>("cohortkit.deployment.canary_verdicts", "{verdict}", "Canary judgements, tagged by verdict.");

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Migration {Version} {Phase} applied ({Rows} rows) in {Seconds:F2} s")]
    internal static partial void LogPhase(ILogger logger, long version, MigrationPhase phase, long rows, double seconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Migration {Version} expand rolled back")]
    internal static partial void LogRolledBackExpand(ILogger logger, long version);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Canary verdict {Verdict}: score {Score:F1}, {Worse} of {Metrics} metrics worse")]
    internal static partial void LogVerdict(ILogger logger, CanaryVerdict verdict, double score, int worse, int metrics);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Deployment {Id}: {Step} ({Detail})")]
    internal static partial void LogStep(ILogger logger, string id, DeploymentStep step, string detail);
}
