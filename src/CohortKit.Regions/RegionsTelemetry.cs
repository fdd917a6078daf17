using System.Diagnostics;
using System.Diagnostics.Metrics;
using CohortKit.Regions.Policy;
using Microsoft.Extensions.Logging;

namespace CohortKit.Regions;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> of CohortKit.Regions, both named <c>CohortKit.Regions</c>.</summary>
/// <remarks>Instruments carry counts, region names and data classes only, never learner identifiers or personal data.</remarks>
public static class RegionsTelemetry
{
    /// <summary>The name of the meter and activity source.</summary>
    public const string Name = "CohortKit.Regions";

    /// <summary>Gets the activity source (workloads, erasures, exports, aggregations).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Gets the meter.</summary>
    public static Meter Meter { get; } = new(Name);

    internal static Counter<long> Refusals { get; } = Meter.CreateCounter<long>("cohortkit.regions.refusals", "{access}", "Reads and copies refused by the residency guard.");

    internal static Counter<long> Erasures { get; } = Meter.CreateCounter<long>("cohortkit.regions.erasures", "{learner}", "Learners erased.");

    internal static Counter<long> Suppressed { get; } = Meter.CreateCounter<long>("cohortkit.regions.groups_suppressed", "{group}", "Aggregate groups suppressed for having fewer than k learners.");

    internal static Counter<long> Failovers { get; } = Meter.CreateCounter<long>("cohortkit.regions.failovers", "{request}", "Requests routed away from the preferred zone.");
}

/// <summary>The package's log messages: counts, regions and audit sequence numbers, never learner data.</summary>
internal static partial class RegionsLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Residency guard refused {Operation} of {DataClass} data homed in {HomeRegion} from {TargetRegion} (audit entry {AuditSequence})")]
    public static partial void Refused(ILogger logger, ResidencyOperation operation, DataClass dataClass, string homeRegion, string targetRegion, long auditSequence);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Erased one learner from {HomeRegion}: {Rows} rows in {Stores} stores (audit entry {AuditSequence})")]
    public static partial void Erased(ILogger logger, string homeRegion, long rows, int stores, long auditSequence);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Merged {Groups} groups from {Regions} regions; {Suppressed} suppressed below k = {K}")]
    public static partial void Aggregated(ILogger logger, int groups, int regions, int suppressed, int k);
}
