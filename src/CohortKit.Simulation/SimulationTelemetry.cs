using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CohortKit.Simulation;

/// <summary>The telemetry names of CohortKit.Simulation: its <see cref="System.Diagnostics.Metrics.Meter"/> and
/// <see cref="System.Diagnostics.ActivitySource"/> are both named <see cref="Name"/>; subscribe by that name.</summary>
/// <remarks>Instruments (<c>cohortkit.simulation.&lt;noun&gt;</c>) carry counts and durations only, never learner data.</remarks>
public static class SimulationTelemetry
{
    /// <summary>The name of the meter and activity source.</summary>
    public const string Name = "CohortKit.Simulation";

    /// <summary>Gets the activity source (one activity per generation).</summary>
    internal static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Gets the meter.</summary>
    internal static Meter Meter { get; } = new(Name);

    internal static Counter<long> LearnersGenerated { get; } = Meter.CreateCounter<long>("cohortkit.simulation.learners", "{learner}", "Learners generated.");

    internal static Counter<long> EventsGenerated { get; } = Meter.CreateCounter<long>("cohortkit.simulation.events", "{event}", "Events generated.");

    internal static Histogram<double> Duration { get; } = Meter.CreateHistogram<double>("cohortkit.simulation.duration", "s", "Time to generate a platform.");
}
