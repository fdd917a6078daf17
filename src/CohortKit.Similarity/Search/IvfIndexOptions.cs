namespace CohortKit.Similarity.Search;

/// <summary>Settings of <see cref="IvfIndex"/>.</summary>
public sealed class IvfIndexOptions
{
    /// <summary>Gets or sets the number of inverted lists (k-means cells); 0 chooses √N.</summary>
    /// <value>The default value is 0.</value>
    public int Lists { get; set; }

    /// <summary>Gets or sets how many lists a query scans (more: higher recall, slower).</summary>
    /// <value>The default value is 24.</value>
    public int Probes { get; set; } = 24;

    /// <summary>Gets or sets how many vectors train the coarse quantiser.</summary>
    /// <value>The default value is 50,000.</value>
    public int TrainingSample { get; set; } = 50_000;

    /// <summary>Gets or sets the k-means iterations.</summary>
    /// <value>The default value is 12.</value>
    public int Iterations { get; set; } = 12;

    /// <summary>Gets or sets the seed of the training sample and initial centroids.</summary>
    /// <value>The default value is 42.</value>
    public long Seed { get; set; } = 42;

    /// <summary>Gets or sets the largest number of threads the build uses (≥ 1).</summary>
    /// <value>The default value is the processor count.</value>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>A copy, so that a build keeps the options it validated.</summary>
    /// <returns>The copy.</returns>
    internal IvfIndexOptions Copy() => (IvfIndexOptions)MemberwiseClone();
}
