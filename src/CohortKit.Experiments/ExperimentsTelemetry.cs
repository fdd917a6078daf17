using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CohortKit.Experiments;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> of CohortKit.Experiments, both named <c>CohortKit.Experiments</c>.</summary>
/// <remarks>Instruments carry counts only, never learner identifiers or metric values.</remarks>
public static class ExperimentsTelemetry
{
    /// <summary>The name of the meter and activity source.</summary>
    public const string Name = "CohortKit.Experiments";

    /// <summary>Gets the activity source (readouts, A/A runs).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Gets the meter.</summary>
    public static Meter Meter { get; } = new(Name);

    internal static Counter<long> AaIterations { get; } = Meter.CreateCounter<long>("cohortkit.experiments.aa.iterations", "{iteration}", "A/A re-randomisations run.");
}
