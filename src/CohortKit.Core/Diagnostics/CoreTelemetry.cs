using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CohortKit.Diagnostics;

/// <summary>The telemetry names of CohortKit.Core: its <see cref="System.Diagnostics.Metrics.Meter"/> and
/// <see cref="System.Diagnostics.ActivitySource"/> are both named <see cref="Name"/>; subscribe by that name.</summary>
/// <remarks>Instruments (<c>cohortkit.core.&lt;noun&gt;</c>) carry counts only, never learner identifiers or attributes.</remarks>
public static class CoreTelemetry
{
    /// <summary>The name of the meter and activity source.</summary>
    public const string Name = "CohortKit.Core";

    /// <summary>Gets the activity source for tracing loads and saves.</summary>
    internal static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Gets the meter.</summary>
    internal static Meter Meter { get; } = new(Name);

    internal static Counter<long> RowsRead { get; } = Meter.CreateCounter<long>("cohortkit.core.csv_rows_read", "{row}", "CSV data rows read.");

    internal static Counter<long> RowsWritten { get; } = Meter.CreateCounter<long>("cohortkit.core.csv_rows_written", "{row}", "CSV data rows written.");
}
