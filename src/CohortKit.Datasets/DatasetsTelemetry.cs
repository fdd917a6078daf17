using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CohortKit.Datasets;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> of CohortKit.Datasets, both named <c>CohortKit.Datasets</c>.</summary>
/// <remarks>Instruments carry counts only, never learner identifiers or attributes.</remarks>
public static class DatasetsTelemetry
{
    /// <summary>The name of the meter and activity source.</summary>
    public const string Name = "CohortKit.Datasets";

    /// <summary>Gets the activity source (one activity per file set loaded).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Gets the meter.</summary>
    public static Meter Meter { get; } = new(Name);

    internal static Counter<long> RowsRead { get; } = Meter.CreateCounter<long>("cohortkit.datasets.rows_read", "{row}", "Data-set rows loaded.");
}
