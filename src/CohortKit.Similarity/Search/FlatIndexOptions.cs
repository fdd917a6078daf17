using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Search;

/// <summary>Settings of <see cref="FlatIndex"/>, the exact index that <c>AddSimilarity</c> registers as
/// <see cref="ISimilarityIndex"/>.</summary>
public sealed class FlatIndexOptions
{
    /// <summary>Gets or sets the vector length; 0 takes it from the first learner added.</summary>
    /// <value>The default value is 0.</value>
    public int Dimensions { get; set; }

    /// <summary>Gets or sets the metric.</summary>
    /// <value>The default value is <see cref="SimilarityMetric.Cosine"/>.</value>
    public SimilarityMetric Metric { get; set; } = SimilarityMetric.Cosine;

    /// <summary>Gets or sets the largest number of threads a search uses (≥ 1).</summary>
    /// <value>The default value is the processor count.</value>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>A copy, so that an index keeps the options it validated.</summary>
    /// <returns>The copy.</returns>
    internal FlatIndexOptions Copy() => (FlatIndexOptions)MemberwiseClone();
}
