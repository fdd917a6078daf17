namespace CohortKit.Similarity.Cohorts;

/// <summary>Settings of <see cref="CohortFormer"/>.</summary>
public sealed class CohortFormationOptions
{
    /// <summary>Gets or sets the smallest cohort.</summary>
    /// <value>The default value is 15.</value>
    public int MinSize { get; set; } = 15;

    /// <summary>Gets or sets the largest cohort.</summary>
    /// <value>The default value is 30.</value>
    public int MaxSize { get; set; } = 30;

    /// <summary>Gets or sets a preferred cohort size. When null (the default) the number of cohorts is chosen from the data:
    /// over-clustering and merging find the groups that are there, anywhere in the feasible range [⌈n/MaxSize⌉, ⌊n/MinSize⌋].
    /// When set, n / TargetSize cohorts are formed (clamped to that range).</summary>
    /// <value>The default value is null.</value>
    public int? TargetSize { get; set; }

    /// <summary>Gets or sets the seed; the same seed and input give the same cohorts.</summary>
    /// <value>The default value is 42.</value>
    public long Seed { get; set; } = 42;

    /// <summary>Gets or sets the assignment/update rounds inside each part.</summary>
    /// <value>The default value is 8.</value>
    public int Iterations { get; set; } = 8;

    /// <summary>Gets or sets the largest part solved directly; larger populations are first split by k-means into parts of about this size.</summary>
    /// <value>The default value is 2,000.</value>
    public int PartSize { get; set; } = 2_000;

    /// <summary>Gets or sets the largest number of threads used.</summary>
    /// <value>The default value is the processor count.</value>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Gets or sets the minimum number of distinct values of <see cref="CohortConstraints.Mix"/> each cohort must hold (e.g. 2 experience levels).</summary>
    /// <value>The default value is 2.</value>
    public int MinDistinct { get; set; } = 2;

    /// <summary>Gets or sets the maximum number of members of a cohort sharing one value of <see cref="CohortConstraints.Cap"/> (e.g. at most 10 per locale).</summary>
    /// <value>The default value is 10.</value>
    public int MaxPerValue { get; set; } = 10;

    /// <summary>A copy, so that an engine keeps the options it validated.</summary>
    /// <returns>The copy.</returns>
    internal CohortFormationOptions Copy() => (CohortFormationOptions)MemberwiseClone();
}
