using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CohortKit.Temporal;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> of CohortKit.Temporal, both named <c>CohortKit.Temporal</c>.</summary>
/// <remarks>Instruments carry counts only, never learner identifiers, times or attributes.</remarks>
public static class TemporalTelemetry
{
    /// <summary>The name of the meter and activity source.</summary>
    public const string Name = "CohortKit.Temporal";

    /// <summary>Gets the activity source (survival analyses, retention matrices, progression fits).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Gets the meter.</summary>
    public static Meter Meter { get; } = new(Name);

    internal static Counter<long> SubjectsAnalyzed { get; } = Meter.CreateCounter<long>("cohortkit.temporal.subjects", "{subject}", "Subjects read by survival analyses.");

    internal static Counter<long> EventsScanned { get; } = Meter.CreateCounter<long>("cohortkit.temporal.events_scanned", "{event}", "Activity events scanned by retention matrices and progression fits.");
}
