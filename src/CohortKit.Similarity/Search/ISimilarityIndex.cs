using CohortKit.Learners;
using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Search;

/// <summary>A nearest-neighbour index of learners' feature vectors that supports incremental updates, filtered search and persistence.</summary>
public interface ISimilarityIndex
{
    /// <summary>Gets the number of learners indexed.</summary>
    int Count { get; }

    /// <summary>Gets the vector length.</summary>
    int Dimensions { get; }

    /// <summary>Gets the metric.</summary>
    SimilarityMetric Metric { get; }

    /// <summary>Adds a learner (or replaces the vector of one already indexed).</summary>
    /// <param name="id">The learner.</param>
    /// <param name="vector">The feature vector (finite, length <see cref="Dimensions"/>).</param>
    void Add(LearnerId id, ReadOnlySpan<float> vector);

    /// <summary>Removes a learner.</summary>
    /// <param name="id">The learner.</param>
    /// <returns><see langword="true"/> when it was indexed.</returns>
    bool Remove(LearnerId id);

    /// <summary>Finds the learners nearest to a query, best first.</summary>
    /// <param name="query">The query vector.</param>
    /// <param name="k">How many (≥ 1).</param>
    /// <param name="filter">Optional predicate: only learners for which it returns true are returned (e.g. same region, not in the current cohort).</param>
    /// <returns>Up to k neighbours.</returns>
    IReadOnlyList<Neighbor> Search(ReadOnlySpan<float> query, int k, Func<LearnerId, bool>? filter = null);

    /// <summary>Writes the index to a stream.</summary>
    /// <param name="stream">The destination.</param>
    void Save(Stream stream);
}
