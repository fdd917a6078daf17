namespace CohortKit.Segmentation.Discovery;

/// <summary>Settings of <see cref="SegmentDiscovery"/>.</summary>
public sealed class DiscoveryOptions
{
    /// <summary>Gets or sets the number of clusters, or 0 to choose it by the silhouette on a sample.</summary>
    /// <value>The default value is 0 (automatic).</value>
    public int K { get; set; }

    /// <summary>Gets or sets the smallest k tried when <see cref="K"/> is 0.</summary>
    /// <value>The default value is 2.</value>
    public int MinK { get; set; } = 2;

    /// <summary>Gets or sets the largest k tried when <see cref="K"/> is 0.</summary>
    /// <value>The default value is 10.</value>
    public int MaxK { get; set; } = 10;

    /// <summary>Gets or sets the sample size on which k is chosen (the silhouette costs sample² distances).</summary>
    /// <value>The default value is 2,000.</value>
    public int SilhouetteSample { get; set; } = 2000;

    /// <summary>Gets or sets the cap on Lloyd iterations.</summary>
    /// <value>The default value is 100.</value>
    public int MaxIterations { get; set; } = 100;

    /// <summary>Gets or sets the relative inertia improvement below which the iterations stop.</summary>
    /// <value>The default value is 1e-4.</value>
    public double Tolerance { get; set; } = 1e-4;

    /// <summary>Gets or sets whether features are standardised (z-scores per column) before clustering, so that no feature
    /// dominates by its unit.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Standardize { get; set; } = true;

    /// <summary>Gets or sets the largest number of over-represented attribute values listed per cluster.</summary>
    /// <value>The default value is 5.</value>
    public int ProfileSize { get; set; } = 5;

    /// <summary>Gets or sets the significance level of the profiles' tests (Benjamini–Hochberg within each cluster).</summary>
    /// <value>The default value is 0.05.</value>
    public double Alpha { get; set; } = 0.05;

    /// <summary>Gets or sets the seed of the sample and the k-means++ seeding; the same seed gives the same clusters.</summary>
    /// <value>The default value is 42.</value>
    public ulong Seed { get; set; } = 42;

    /// <summary>Gets or sets how many k-means++ starts are tried on the silhouette sample for each k; the start with the lowest
    /// inertia scores that k, and its centroids start the final fit on every learner (one start can stop in a poor local
    /// optimum, merging two groups and splitting another).</summary>
    /// <value>The default value is 10 (scikit-learn's classic <c>n_init</c>).</value>
    public int Restarts { get; set; } = 10;

    /// <summary>Gets or sets how many threads assign rows to centroids.</summary>
    /// <value>The default value is <see cref="Environment.ProcessorCount"/>.</value>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>A copy, so that an engine keeps the settings it validated whatever the caller changes later.</summary>
    internal DiscoveryOptions Snapshot() => (DiscoveryOptions)MemberwiseClone();
}
