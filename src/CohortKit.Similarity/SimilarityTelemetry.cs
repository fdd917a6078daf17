using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CohortKit.Similarity;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> of CohortKit.Similarity, both named <c>CohortKit.Similarity</c>.</summary>
/// <remarks>Instruments carry counts only, never learner identifiers or features.</remarks>
public static class SimilarityTelemetry
{
    /// <summary>The name of the meter and activity source.</summary>
    public const string Name = "CohortKit.Similarity";

    /// <summary>Gets the activity source (index builds).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Gets the meter.</summary>
    public static Meter Meter { get; } = new(Name);

    internal static Counter<long> Searches { get; } = Meter.CreateCounter<long>("cohortkit.similarity.searches", "{query}", "Nearest-neighbour queries answered.");

    internal static Counter<long> VectorsScanned { get; } = Meter.CreateCounter<long>("cohortkit.similarity.vectors_scanned", "{vector}", "Vectors scored by searches.");
}
