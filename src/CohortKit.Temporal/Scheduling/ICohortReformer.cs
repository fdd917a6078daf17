using CohortKit.Features;

namespace CohortKit.Temporal.Scheduling;

/// <summary>What <see cref="ReassignmentScheduler"/> needs from a cohort former, so that Temporal does not depend on the
/// package that forms cohorts (CohortKit.Similarity's <c>CohortFormer</c>, through the adapter in
/// CohortKit.Reassignment). Implementations must be deterministic for the same features.</summary>
public interface ICohortReformer
{
    /// <summary>Forms cohorts from scratch.</summary>
    /// <param name="features">One row per learner.</param>
    /// <returns>Each row's cohort id (≥ 0).</returns>
    int[] Form(FeatureMatrix features);

    /// <summary>Each learner's mean similarity to the other members of its cohort (0 for a learner alone in its cohort).</summary>
    /// <param name="features">One row per learner.</param>
    /// <param name="cohortOf">Each row's cohort id (≥ 0).</param>
    /// <param name="destination">One value per row.</param>
    void MemberSimilarity(FeatureMatrix features, ReadOnlySpan<int> cohortOf, Span<double> destination);
}
