using CohortKit.Features;
using CohortKit.Similarity.Cohorts;
using CohortKit.Similarity.Kernels;
using CohortKit.Temporal.Scheduling;

namespace CohortKit.Reassignment;

/// <summary>Temporal's <see cref="ICohortReformer"/> through Similarity's <see cref="CohortFormer"/>: re-formation is
/// <see cref="CohortFormer.Form(FeatureMatrix, IReadOnlyList{int}?, IReadOnlyList{string}?)"/>, and a member's similarity is
/// its mean cosine to the other members of its cohort — the per-member form of <see cref="CohortQuality"/>'s mean
/// intra-cohort similarity.</summary>
/// <remarks>Thread-safe: the former is, and every call works on its own copies.</remarks>
public sealed class SimilarityCohortReformer : ICohortReformer
{
    private readonly CohortFormer _former;

    /// <summary>Adapts a cohort former.</summary>
    /// <param name="former">The former (its options fix the cohort sizes and the seed, so formations are deterministic).</param>
    public SimilarityCohortReformer(CohortFormer former)
    {
        ArgumentNullException.ThrowIfNull(former);
        _former = former;
    }

    /// <inheritdoc />
    /// <exception cref="CohortFormationInfeasibleException">The rows cannot be split within the former's size bounds.</exception>
    public int[] Form(FeatureMatrix features) => _former.Form(features).CohortOf.ToArray();

    /// <inheritdoc />
    /// <remarks>With unit rows uᵢ and cohort sums S, member i's mean cosine is (uᵢ·S − uᵢ·uᵢ) / (n − 1); a zero row has
    /// similarity 0 to everyone, a member alone 0.</remarks>
    /// <exception cref="ArgumentException">The lengths differ from the rows, or a cohort id is negative.</exception>
    public void MemberSimilarity(FeatureMatrix features, ReadOnlySpan<int> cohortOf, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(features);
        int rows = features.Rows, d = features.Dimensions;
        if (cohortOf.Length != rows) { throw new ArgumentException($"cohortOf has {cohortOf.Length} entries for {rows} rows.", nameof(cohortOf)); }
        if (destination.Length != rows) { throw new ArgumentException($"destination has {destination.Length} entries for {rows} rows.", nameof(destination)); }
        var unit = new FeatureMatrix(features.AsSpan().ToArray(), rows, d);
        unit.NormalizeRows();
        var cohorts = 0;
        foreach (var c in cohortOf)
        {
            if (c < 0) { throw new ArgumentException($"A cohort id is {c}; ids are at least 0.", nameof(cohortOf)); }
            cohorts = Math.Max(cohorts, c + 1);
        }

        var sums = new float[cohorts * d];
        var sizes = new int[cohorts];
        for (var i = 0; i < rows; i++)
        {
            var row = unit.Row(i);
            var sum = sums.AsSpan(cohortOf[i] * d, d);
            for (var j = 0; j < d; j++) { sum[j] += row[j]; }
            sizes[cohortOf[i]]++;
        }

        for (var i = 0; i < rows; i++)
        {
            var n = sizes[cohortOf[i]];
            var row = unit.Row(i);
            destination[i] = n < 2 ? 0 : (SimilarityKernels.Dot(row, sums.AsSpan(cohortOf[i] * d, d)) - SimilarityKernels.Dot(row, row)) / (n - 1.0);
        }
    }
}
