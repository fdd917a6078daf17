namespace CohortKit.Similarity.Cohorts.Formation;

/// <summary>The size bounds [Min, Max] of a cohort and what they allow for n learners.</summary>
/// <param name="Min">The smallest cohort.</param>
/// <param name="Max">The largest cohort.</param>
internal readonly record struct SizeBounds(int Min, int Max)
{
    /// <summary>The fewest cohorts n learners need: ⌈n / Max⌉.</summary>
    public int Fewest(int n) => (n + Max - 1) / Max;

    /// <summary>The most cohorts n learners allow: ⌊n / Min⌋.</summary>
    public int Most(int n) => n / Min;

    /// <summary>Whether n learners can be split into cohorts within the bounds.</summary>
    public bool Feasible(int n) => n >= Min && Fewest(n) <= Most(n);
}
