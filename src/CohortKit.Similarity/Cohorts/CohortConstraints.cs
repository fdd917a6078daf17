namespace CohortKit.Similarity.Cohorts;

/// <summary>Optional per-learner codes that cohorts must respect (besides size).</summary>
public sealed class CohortConstraints
{
    /// <summary>Gets the group of each learner; cohorts never mix groups (e.g. time-zone band codes).</summary>
    public IReadOnlyList<int>? Groups { get; init; }

    /// <summary>Gets the names of the group codes, for messages.</summary>
    public IReadOnlyList<string>? GroupNames { get; init; }

    /// <summary>Gets a code per learner that each cohort must mix: at least <see cref="CohortFormationOptions.MinDistinct"/> distinct values (e.g. experience levels).</summary>
    public IReadOnlyList<int>? Mix { get; init; }

    /// <summary>Gets a code per learner that each cohort may hold at most <see cref="CohortFormationOptions.MaxPerValue"/> times (e.g. locale).</summary>
    public IReadOnlyList<int>? Cap { get; init; }
}
