using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CohortKit.Diagnostics;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> of CohortKit.Core, both named <c>CohortKit.Core</c>.</summary>
/// <remarks>Instruments carry counts and durations only, never learner identifiers or attributes.</remarks>
public static class CoreTelemetry
{
    /// <summary>The name of the meter and activity source.</summary>
    public const string Name = "CohortKit.Core";

    /// <summary>Gets the activity source for tracing loads and saves.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Gets the meter.</summary>
    public static Meter Meter { get; } = new(Name);

    internal static Counter<long> RowsRead { get; } = Meter.CreateCounter<long>("cohortkit.core.csv.rows_read", "{row}", "CSV data rows read.");

    internal static Counter<long> RowsWritten { get; } = Meter.CreateCounter<long>("cohortkit.core.csv.rows_written", "{row}", "CSV data rows written.");
}
