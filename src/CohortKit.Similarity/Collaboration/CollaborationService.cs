using System.Numerics.Tensors;
using CohortKit.Features;
using CohortKit.Learners;
using CohortKit.Similarity.Cohorts;
using CohortKit.Similarity.Kernels;
using CohortKit.Similarity.Search;

namespace CohortKit.Similarity.Collaboration;

/// <summary>Which peers may be suggested.</summary>
public sealed record PeerFilter
{
    /// <summary>Gets attributes whose value a peer must share with the learner (e.g. <c>region</c>, <c>locale</c>, <c>timezone</c>).</summary>
    public IReadOnlyList<string> SameAttributes { get; init; } = [];

    /// <summary>Gets whether members of the learner's current cohort are left out.</summary>
    public bool ExcludeCurrentCohort { get; init; }
}

/// <summary>A cohort suggested to a learner.</summary>
/// <param name="Cohort">The cohort id.</param>
/// <param name="Size">Its current size.</param>
/// <param name="Similarity">Cosine between the learner and the cohort's centroid.</param>
public sealed record CohortSuggestion(int Cohort, int Size, double Similarity);

/// <summary>
/// The collaboration API a platform host exposes (ready for HTTP endpoints): find similar peers with attribute filters,
/// suggest a cohort with room, form cohorts, and rebalance them as learners come and go.
/// </summary>
/// <remarks>Reads are thread-safe; <see cref="FormCohorts"/> and <see cref="Rebalance"/> replace the cohort state and need exclusive access.</remarks>
public sealed class CollaborationService
{
    private readonly LearnerAttributes _learners;
    private readonly FeatureMatrix _features;
    private readonly CohortFormer _former;
    private float[] _centroids = [];

    /// <summary>Creates the service over a population.</summary>
    /// <param name="learners">The learners (rows).</param>
    /// <param name="features">Their features (e.g. from <see cref="Features.LearnerFeatureBuilder"/>).</param>
    /// <param name="cohortOptions">Cohort settings.</param>
    /// <param name="indexOptions">Index settings.</param>
    /// <exception cref="ArgumentException">The features do not match the learners.</exception>
    public CollaborationService(LearnerAttributes learners, FeatureMatrix features, CohortFormationOptions? cohortOptions = null, IvfIndexOptions? indexOptions = null)
    {
        ArgumentNullException.ThrowIfNull(learners);
        ArgumentNullException.ThrowIfNull(features);
        if (features.Rows != learners.Count)
        {
            throw new ArgumentException($"There are {features.Rows} feature rows for {learners.Count} learners.", nameof(features));
        }

        _learners = learners;
        _features = features;
        _former = new CohortFormer(cohortOptions);
        Index = IvfIndex.Build(features, learners.Ids.ToArray(), SimilarityMetric.Cosine, indexOptions);
    }

    /// <summary>Gets the peer index.</summary>
    public ISimilarityIndex Index { get; }

    /// <summary>Gets the current cohorts, or null before <see cref="FormCohorts"/>.</summary>
    public CohortAssignment? Cohorts { get; private set; }

    /// <summary>Finds a learner's most similar peers.</summary>
    /// <param name="learner">The learner.</param>
    /// <param name="k">How many (≥ 1).</param>
    /// <param name="filter">Optional filter.</param>
    /// <returns>Up to k peers, best first, never the learner.</returns>
    /// <exception cref="ArgumentException">The learner is unknown or a filter attribute does not exist.</exception>
    public IReadOnlyList<Neighbor> FindPeers(LearnerId learner, int k, PeerFilter? filter = null)
    {
        var row = RowOf(learner);
        var columns = (filter?.SameAttributes ?? []).Select(a => _learners.TryGetColumn(a, out var c) ? c : throw new ArgumentException($"No attribute '{a}'.", nameof(filter))).ToArray();
        var excludeCohort = filter?.ExcludeCurrentCohort == true && Cohorts is not null ? Cohorts.CohortOf[row] : -1;
        bool Allowed(LearnerId id)
        {
            if (id == learner || !_learners.TryGetRow(id, out var other)) { return false; }
            foreach (var c in columns) { if (c.Codes[other] != c.Codes[row]) { return false; } }
            return excludeCohort < 0 || Cohorts!.CohortOf[other] != excludeCohort;
        }

        return Index.Search(_features.Row(row), k, Allowed);
    }

    /// <summary>Suggests the most similar cohort that still has room (size below the maximum).</summary>
    /// <param name="learner">The learner (a newcomer or someone looking to switch).</param>
    /// <returns>The suggestion, or null when no cohort has room.</returns>
    /// <exception cref="InvalidOperationException">No cohorts have been formed.</exception>
    public CohortSuggestion? SuggestCohort(LearnerId learner)
    {
        var cohorts = Cohorts ?? throw new InvalidOperationException("Form cohorts first.");
        var row = RowOf(learner);
        var d = _features.Dimensions;
        var v = _features.Row(row).ToArray();
        VectorMath.NormalizeInPlace(v);
        var sizes = cohorts.Sizes();
        var scores = new float[cohorts.CohortCount];
        SimilarityKernels.DotRows(v, _centroids, d, scores);
        var best = -1;
        for (var c = 0; c < scores.Length; c++)
        {
            if (sizes[c] == 0 || sizes[c] >= _former.Options.MaxSize || c == cohorts.CohortOf[row]) { continue; }
            if (best < 0 || scores[c] > scores[best]) { best = c; }
        }

        return best < 0 ? null : new CohortSuggestion(best, sizes[best], scores[best]);
    }

    /// <summary>Forms cohorts of the whole population and keeps them as the current state.</summary>
    /// <param name="constraints">Optional constraints.</param>
    /// <returns>The cohorts.</returns>
    public CohortAssignment FormCohorts(CohortConstraints? constraints = null)
    {
        SetCohorts(_former.Form(_features, constraints ?? new CohortConstraints()));
        return Cohorts!;
    }

    /// <summary>Rebalances cohorts for a changed population (departures absent, newcomers with cohort −1) with few moves.</summary>
    /// <param name="features">Current learners' features.</param>
    /// <param name="currentCohort">Each row's cohort, or −1 for a newcomer.</param>
    /// <returns>What changed.</returns>
    public RebalanceResult Rebalance(FeatureMatrix features, IReadOnlyList<int> currentCohort) => _former.Rebalance(features, currentCohort);

    private void SetCohorts(CohortAssignment cohorts)
    {
        var d = _features.Dimensions;
        var centroids = new float[cohorts.CohortCount * d];
        var unit = new float[d];
        for (var r = 0; r < _features.Rows; r++)
        {
            var row = _features.Row(r);
            var norm = TensorPrimitives.Norm((ReadOnlySpan<float>)row);
            if (norm > 0) { TensorPrimitives.Divide(row, norm, unit); } else { Array.Clear(unit); }
            TensorPrimitives.Add(centroids.AsSpan(cohorts.CohortOf[r] * d, d), unit, centroids.AsSpan(cohorts.CohortOf[r] * d, d));
        }

        for (var c = 0; c < cohorts.CohortCount; c++)
        {
            var cen = centroids.AsSpan(c * d, d);
            VectorMath.NormalizeInPlace(cen);
        }

        _centroids = centroids;
        Cohorts = cohorts;
    }

    private int RowOf(LearnerId learner)
        => _learners.TryGetRow(learner, out var row) ? row : throw new ArgumentException($"Learner {learner} is not in this population.", nameof(learner));
}
