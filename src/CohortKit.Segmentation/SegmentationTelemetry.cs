using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CohortKit.Segmentation;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> of CohortKit.Segmentation, both named <c>CohortKit.Segmentation</c>.</summary>
/// <remarks>Instruments carry counts only, never learner identifiers, attributes or metric values.</remarks>
public static class SegmentationTelemetry
{
    /// <summary>The name of the meter and activity source.</summary>
    public const string Name = "CohortKit.Segmentation";

    /// <summary>Gets the activity source (segment tables, discovery).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Gets the meter.</summary>
    public static Meter Meter { get; } = new(Name);

    internal static Counter<long> SegmentsReported { get; } = Meter.CreateCounter<long>("cohortkit.segmentation.segments", "{segment}", "Segment rows reported by segment tables.");

    internal static Counter<long> LearnersClustered { get; } = Meter.CreateCounter<long>("cohortkit.segmentation.learners_clustered", "{learner}", "Learners assigned to discovered segments.");
}
