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

    internal void Validate()
    {
        if (MinSize < 1) { throw new ArgumentOutOfRangeException(nameof(MinSize), MinSize, "MinSize must be at least 1."); }
        if (MaxSize < MinSize) { throw new ArgumentOutOfRangeException(nameof(MaxSize), MaxSize, $"MaxSize must be ≥ MinSize ({MinSize})."); }
        if (TargetSize is { } target && (target < MinSize || target > MaxSize)) { throw new ArgumentOutOfRangeException(nameof(TargetSize), target, $"TargetSize must lie in [MinSize, MaxSize] = [{MinSize}, {MaxSize}]."); }
        if (Iterations < 1) { throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, "Iterations must be at least 1."); }
        if (PartSize < 2 * MaxSize) { throw new ArgumentOutOfRangeException(nameof(PartSize), PartSize, $"PartSize must be at least 2 × MaxSize ({2 * MaxSize})."); }
        if (MinDistinct < 1) { throw new ArgumentOutOfRangeException(nameof(MinDistinct), MinDistinct, "MinDistinct must be at least 1."); }
        if (MaxPerValue < 1) { throw new ArgumentOutOfRangeException(nameof(MaxPerValue), MaxPerValue, "MaxPerValue must be at least 1."); }
        if (MaxDegreeOfParallelism < 1) { throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be at least 1."); }
    }
}
