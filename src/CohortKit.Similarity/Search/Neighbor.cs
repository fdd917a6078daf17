using CohortKit.Learners;

namespace CohortKit.Similarity.Search;

/// <summary>A search hit: the matched row of a matrix and its score.</summary>
/// <param name="Row">The row.</param>
/// <param name="Score">Similarity (higher is better) or, for Euclidean, distance (lower is better).</param>
public readonly record struct RowNeighbor(int Row, float Score);

/// <summary>A search hit in an index: the learner and the score.</summary>
/// <param name="Id">The learner.</param>
/// <param name="Score">Similarity (higher is better) or, for Euclidean, distance (lower is better).</param>
public readonly record struct Neighbor(LearnerId Id, float Score);
