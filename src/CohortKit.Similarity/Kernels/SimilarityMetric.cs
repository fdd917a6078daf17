namespace CohortKit.Similarity.Kernels;

/// <summary>How two feature vectors are compared.</summary>
public enum SimilarityMetric
{
    /// <summary>Cosine similarity in [−1, 1]; higher is more similar. A zero vector has cosine 0 with everything.</summary>
    Cosine = 0,

    /// <summary>Dot product; higher is more similar (equals cosine on L2-normalised rows).</summary>
    Dot = 1,

    /// <summary>Euclidean distance; lower is more similar.</summary>
    Euclidean = 2,
}
