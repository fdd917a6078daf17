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
        _former = new CohortFormer(cohortOptions ?? new CohortFormationOptions());
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
    /// <exception cref="ArgumentException">The learner is unknown, has an all-zero feature vector, or a filter attribute does not exist.</exception>
    public IReadOnlyList<Neighbor> FindPeers(LearnerId learner, int k, PeerFilter? filter = null)
    {
        var row = RowOf(learner);
        if (!_features.Row(row).ContainsAnyExcept(0f))
        {
            throw new ArgumentException($"Learner {learner} has an all-zero feature vector, so no peer is more similar than another.", nameof(learner));
        }

        var columns = (filter?.SameAttributes ?? []).Select(a => _learners.TryGetColumn(a, out var c) ? c : throw new ArgumentException($"No attribute '{a}'.", nameof(filter))).ToArray();
        var excludeCohort = filter?.ExcludeCurrentCohort == true && Cohorts is not null ? Cohorts.CohortOf.Span[row] : -1;
        bool Allowed(LearnerId id)
        {
            if (id == learner || !_learners.TryGetRow(id, out var other)) { return false; }
            foreach (var c in columns) { if (c.Codes[other] != c.Codes[row]) { return false; } }
            return excludeCohort < 0 || Cohorts!.CohortOf.Span[other] != excludeCohort;
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
            if (sizes[c] == 0 || sizes[c] >= _former.Options.MaxSize || c == cohorts.CohortOf.Span[row]) { continue; }
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

    /// <summary>Rebalances the cohorts of this population with few moves (see <see cref="CohortFormer.Rebalance"/>) and keeps
    /// the result as the current state: <see cref="Cohorts"/>, <see cref="SuggestCohort"/> and the cohort filter of
    /// <see cref="FindPeers"/> use it from then on. For a population that changed (departures, newcomers), create a service
    /// over the new population and pass each learner's previous cohort.</summary>
    /// <param name="currentCohort">Each row's cohort, or −1 for a newcomer (defaults to the current state).</param>
    /// <returns>What changed.</returns>
    /// <exception cref="ArgumentException">The cohorts do not match the learners.</exception>
    /// <exception cref="InvalidOperationException">No cohorts are given and none have been formed.</exception>
    public RebalanceResult Rebalance(IReadOnlyList<int>? currentCohort = null)
    {
        currentCohort ??= Cohorts?.CohortOf.ToArray() ?? throw new InvalidOperationException("Form cohorts first, or pass each learner's cohort.");
        var result = _former.Rebalance(_features, currentCohort);
        SetCohorts(result.Cohorts);
        return result;
    }

    private void SetCohorts(CohortAssignment cohorts)
    {
        var centroids = new float[cohorts.CohortCount * _features.Dimensions];
        CentroidSums.Compute(_features.AsSpan(), _features.Dimensions, default, cohorts.CohortOf.Span, cohorts.CohortCount, unitRows: false).UnitCentroids(centroids);
        _centroids = centroids;
        Cohorts = cohorts;
    }

    private int RowOf(LearnerId learner)
        => _learners.TryGetRow(learner, out var row) ? row : throw new ArgumentException($"Learner {learner} is not in this population.", nameof(learner));
}
