using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CohortKit.Churn;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> of CohortKit.Churn, both named <c>CohortKit.Churn</c>.</summary>
/// <remarks>Instruments carry counts only, never learner identifiers, scores of one learner or attributes.</remarks>
public static class ChurnTelemetry
{
    /// <summary>The name of the meter and activity source.</summary>
    public const string Name = "CohortKit.Churn";

    /// <summary>Gets the activity source (feature extraction, training, scoring, dispatch).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Gets the meter.</summary>
    public static Meter Meter { get; } = new(Name);
}
