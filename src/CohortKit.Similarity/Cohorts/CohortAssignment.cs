namespace CohortKit.Similarity.Cohorts;

/// <summary>Cohorts of learners: the cohort of every row and the cohort sizes.</summary>
/// <param name="CohortOf">The cohort of each row, in [0, <see cref="CohortCount"/>): a read-only view (its <c>Span</c>
/// indexes without allocating and feeds the span kernels directly; see docs/decisions.md #27).</param>
/// <param name="CohortCount">The number of cohorts.</param>
public sealed record CohortAssignment(ReadOnlyMemory<int> CohortOf, int CohortCount)
{
    /// <summary>Gets the size of each cohort.</summary>
    /// <returns>One size per cohort.</returns>
    public int[] Sizes()
    {
        var sizes = new int[CohortCount];
        foreach (var c in CohortOf.Span) { sizes[c]++; }
        return sizes;
    }

    /// <summary>Gets the sizes of the cohorts that have members (after a rebalance some ids are unused).</summary>
    /// <returns>The non-zero sizes.</returns>
    public int[] OccupiedSizes() => Sizes().Where(s => s > 0).ToArray();
}

/// <summary>What <see cref="CohortFormer.Rebalance"/> changed.</summary>
/// <param name="Cohorts">The updated cohorts (ids of kept cohorts unchanged; dissolved ids unused).</param>
/// <param name="Moved">Existing members whose cohort changed.</param>
/// <param name="Placed">Newcomers and dissolved members placed into existing cohorts.</param>
/// <param name="NewCohorts">Cohorts created (by splitting an oversize cohort or from leftovers).</param>
/// <param name="Dissolved">Cohorts dissolved (still below the minimum after newcomers topped them up).</param>
public sealed record RebalanceResult(CohortAssignment Cohorts, int Moved, int Placed, int NewCohorts, int Dissolved);
