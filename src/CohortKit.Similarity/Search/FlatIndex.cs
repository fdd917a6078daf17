using CohortKit.Features;
using CohortKit.Learners;
using CohortKit.Similarity.Kernels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Similarity.Search;

/// <summary>
/// The exact index: <see cref="ExactSearch.TopK(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, SimilarityMetric, Func{int, bool}?, int?)"/>
/// over the learners' float32 rows, as an <see cref="ISimilarityIndex"/> keyed by <see cref="LearnerId"/> (FAISS's
/// IndexFlat with ids). Every metric; adding is amortised O(d), removing O(d) (the last row moves into the hole).
/// <c>AddSimilarity</c> registers it as the default <see cref="ISimilarityIndex"/>.
/// </summary>
/// <remarks>Searches may run concurrently with each other; <see cref="Add"/> and <see cref="Remove"/> need exclusive access.
/// Results equal a brute-force scan; ties go to the learner added earlier while no learner has been removed.</remarks>
public sealed class FlatIndex : ISimilarityIndex
{
    private readonly RowStore _store;

    /// <summary>Creates an empty index (the non-DI entry).</summary>
    /// <param name="options">The settings; validated now and copied.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the first invalid option's
    /// name and the message lists every invalid option.</exception>
    public FlatIndex(FlatIndexOptions options)
    {
        FlatIndexOptionsValidator.ThrowIfInvalid(options);
        var o = options.Copy();
        _store = new RowStore(o.Dimensions);
        Metric = o.Metric;
        MaxDegreeOfParallelism = o.MaxDegreeOfParallelism;
    }

    /// <summary>Creates an empty index from DI.</summary>
    /// <param name="options">The validated settings.</param>
    [ActivatorUtilitiesConstructor]
    public FlatIndex(IOptions<FlatIndexOptions> options)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    /// <summary>Indexes every row of a matrix under its learner.</summary>
    /// <param name="vectors">One row per learner.</param>
    /// <param name="ids">The learners, one per row, distinct.</param>
    /// <param name="options">Settings (the dimensions are the matrix's when 0).</param>
    /// <returns>The index.</returns>
    /// <exception cref="ArgumentException">Lengths differ, an id repeats, or a value is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static FlatIndex Build(FeatureMatrix vectors, IReadOnlyList<LearnerId> ids, FlatIndexOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count != vectors.Rows)
        {
            throw new ArgumentException($"There are {ids.Count} ids for {vectors.Rows} vectors.", nameof(ids));
        }

        var o = (options ?? new FlatIndexOptions()).Copy();
        if (o.Dimensions == 0) { o.Dimensions = vectors.Dimensions; }
        var index = new FlatIndex(o);
        for (var r = 0; r < vectors.Rows; r++)
        {
            if (index._store.Contains(ids[r]))
            {
                throw new ArgumentException($"Learner {ids[r].Value} is indexed twice.", nameof(ids));
            }

            index.Add(ids[r], vectors.Row(r));
        }

        return index;
    }

    /// <inheritdoc />
    public int Count => _store.Count;

    /// <inheritdoc />
    /// <remarks>0 until the first learner is added when <see cref="FlatIndexOptions.Dimensions"/> was 0.</remarks>
    public int Dimensions => _store.Dimensions;

    /// <inheritdoc />
    public SimilarityMetric Metric { get; }

    /// <summary>Gets the largest number of threads a search uses.</summary>
    public int MaxDegreeOfParallelism { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The vector's length is wrong or it has a non-finite value.</exception>
    public void Add(LearnerId id, ReadOnlySpan<float> vector)
    {
        CheckFinite(vector);
        _store.Set(id, vector);
    }

    /// <inheritdoc />
    public bool Remove(LearnerId id) => _store.Remove(id, out _);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The query's length is wrong, it is not finite, or (cosine) it is all zeros.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k is not positive or exceeds the number of learners indexed.</exception>
    public IReadOnlyList<Neighbor> Search(ReadOnlySpan<float> query, int k, Func<LearnerId, bool>? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, Count);
        var store = _store;
        var hits = ExactSearch.TopK(store.Data, store.Dimensions, query, k, Metric, filter is null ? null : r => filter(store.Id(r)), MaxDegreeOfParallelism);
        return ToNeighbors(hits, store);
    }

    /// <inheritdoc />
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        RowStore.WriteHeader(w, "CKFLT"u8, Metric);
        _store.Write(w);
    }

    /// <summary>Reads an index written by <see cref="Save"/>.</summary>
    /// <param name="stream">The source.</param>
    /// <param name="maxDegreeOfParallelism">The largest number of threads a search uses (≥ 1); null for the processor count.</param>
    /// <returns>The index.</returns>
    /// <exception cref="InvalidDataException">The stream is not a CohortKit flat index, has an unknown version or metric, or
    /// impossible sizes.</exception>
    public static FlatIndex Load(Stream stream, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        var metric = RowStore.ReadHeader(r, "CKFLT"u8, "flat index");
        var rows = new List<(LearnerId Id, float[] Vector)>();
        RowStore.Read(r, (id, v) => rows.Add((id, v)), out var dims);
        var index = new FlatIndex(new FlatIndexOptions { Dimensions = dims, Metric = metric, MaxDegreeOfParallelism = ExactSearch.Workers(maxDegreeOfParallelism) });
        foreach (var (id, v) in rows) { index.Add(id, v); }
        return index;
    }

    /// <summary>Maps row hits to learners.</summary>
    internal static Neighbor[] ToNeighbors(RowNeighbor[] hits, RowStore store)
    {
        var result = new Neighbor[hits.Length];
        for (var i = 0; i < hits.Length; i++) { result[i] = new Neighbor(store.Id(hits[i].Row), hits[i].Score); }
        return result;
    }

    /// <summary>Rejects a vector with a NaN or infinite value (it would never be returned, or poison every score).</summary>
    internal static void CheckFinite(ReadOnlySpan<float> vector)
    {
        foreach (var v in vector)
        {
            if (!float.IsFinite(v)) { throw new ArgumentException("The vector has a NaN or infinite value.", nameof(vector)); }
        }
    }
}
