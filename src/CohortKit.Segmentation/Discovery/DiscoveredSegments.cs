namespace CohortKit.Segmentation.Discovery;

/// <summary>How k was set.</summary>
public enum KSelection
{
    /// <summary>Given by <see cref="DiscoveryOptions.K"/>.</summary>
    Fixed = 0,

    /// <summary>The k with the highest silhouette on a sample.</summary>
    Silhouette = 1,
}

/// <summary>The silhouette of one candidate k on the sample.</summary>
/// <param name="K">The number of clusters.</param>
/// <param name="Score">The mean silhouette in [−1, 1]; higher is better separated.</param>
public sealed record SilhouetteScore(int K, double Score);

/// <summary>An attribute value over-represented in a cluster.</summary>
public sealed record AttributeLift
{
    /// <summary>Gets the attribute (column) name.</summary>
    public required string Attribute { get; init; }

    /// <summary>Gets the value.</summary>
    public required string Value { get; init; }

    /// <summary>Gets the share of the cluster's learners with the value.</summary>
    public required double ClusterShare { get; init; }

    /// <summary>Gets the share of all learners with the value.</summary>
    public required double OverallShare { get; init; }

    /// <summary>Gets <see cref="ClusterShare"/> / <see cref="OverallShare"/>.</summary>
    public required double Lift { get; init; }

    /// <summary>Gets the two-proportion z-test's p-value of the cluster against the other learners.</summary>
    public required double PValue { get; init; }

    /// <summary>Gets the p-value adjusted by Benjamini–Hochberg over every (attribute, value) of the cluster.</summary>
    public required double AdjustedPValue { get; init; }
}

/// <summary>One discovered cluster with its profile.</summary>
public sealed record DiscoveredCluster
{
    /// <summary>Gets the cluster's index (0-based; largest cluster first).</summary>
    public required int Cluster { get; init; }

    /// <summary>Gets the number of learners.</summary>
    public required int Size { get; init; }

    /// <summary>Gets size / all learners.</summary>
    public required double Share { get; init; }

    /// <summary>Gets the centroid, in the space clustered (z-scores when <see cref="DiscoveryOptions.Standardize"/>).</summary>
    public required ReadOnlyMemory<float> Centroid { get; init; }

    /// <summary>Gets the significantly over-represented attribute values (lift &gt; 1, adjusted p below α), highest lift first.</summary>
    public required IReadOnlyList<AttributeLift> Profile { get; init; }
}

/// <summary>Behavioural segments found by k-means.</summary>
public sealed record DiscoveredSegments
{
    /// <summary>Gets the number of clusters.</summary>
    public required int K { get; init; }

    /// <summary>Gets how k was set.</summary>
    public required KSelection Selection { get; init; }

    /// <summary>Gets the silhouette of every k tried (empty when k was fixed).</summary>
    public required IReadOnlyList<SilhouetteScore> Silhouettes { get; init; }

    /// <summary>Gets the within-cluster sum of squared distances of the final fit.</summary>
    public required double Inertia { get; init; }

    /// <summary>Gets the Lloyd iterations of the final fit.</summary>
    public required int Iterations { get; init; }

    /// <summary>Gets the cluster of every learner (row order of the features).</summary>
    public required ReadOnlyMemory<int> Assignments { get; init; }

    /// <summary>Gets the clusters, largest first.</summary>
    public required IReadOnlyList<DiscoveredCluster> Clusters { get; init; }
}
