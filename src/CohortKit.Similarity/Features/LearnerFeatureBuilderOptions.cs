namespace CohortKit.Similarity.Features;

/// <summary>Settings of <see cref="LearnerFeatureBuilder"/>.</summary>
public sealed class LearnerFeatureBuilderOptions
{
    /// <summary>Gets or sets the largest number of threads used (≥ 1).</summary>
    /// <value>The default value is the processor count.</value>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Gets or sets the relative weights of the feature groups (each finite and ≥ 0).</summary>
    /// <value>The default value weighs every group 1.</value>
    public FeatureGroupWeights Weights { get; set; } = new();

    /// <summary>A deep copy, so that a builder keeps the options it validated.</summary>
    /// <returns>The copy.</returns>
    internal LearnerFeatureBuilderOptions Copy()
    {
        var copy = (LearnerFeatureBuilderOptions)MemberwiseClone();
        copy.Weights = Weights.Copy();
        return copy;
    }
}
