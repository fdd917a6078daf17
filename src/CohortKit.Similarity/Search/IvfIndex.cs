using System.Numerics.Tensors;
using CohortKit.Features;
using CohortKit.Learners;
using CohortKit.Randomness;
using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Search;

/// <summary>
/// An inverted-file index (IVF-Flat, as FAISS's IndexIVFFlat): a k-means coarse quantiser splits the vectors into lists;
/// a query scores the centroids, scans the <see cref="Probes"/> nearest lists exactly with the SIMD kernels and keeps the
/// best k. Adding and removing are O(1) per learner (swap-remove within a list). Cosine vectors are L2-normalised on insert.
/// </summary>
/// <remarks>Searches may run concurrently with each other; <see cref="Add"/> and <see cref="Remove"/> need exclusive access.</remarks>
public sealed class IvfIndex : ISimilarityIndex
{
    private const int FormatVersion = 1;
    private readonly float[] _centroids; // lists × dims
    private readonly List<float>[] _vectors;
    private readonly List<long>[] _ids;
    private readonly Dictionary<long, (int List, int Slot)> _where = [];
    private int _probes;

    private IvfIndex(int dims, SimilarityMetric metric, float[] centroids, int probes)
    {
        Dimensions = dims;
        Metric = metric;
        _centroids = centroids;
        var lists = centroids.Length / dims;
        _vectors = Enumerable.Range(0, lists).Select(_ => new List<float>()).ToArray();
        _ids = Enumerable.Range(0, lists).Select(_ => new List<long>()).ToArray();
        Probes = probes;
    }

    /// <inheritdoc />
    public int Count => _where.Count;

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <inheritdoc />
    public SimilarityMetric Metric { get; }

    /// <summary>Gets the number of lists.</summary>
    public int Lists => _vectors.Length;

    /// <summary>Gets or sets how many lists a query scans (at least 1; more than <see cref="Lists"/> scans them all).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int Probes
    {
        get => Volatile.Read(ref _probes);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Probes));
            Volatile.Write(ref _probes, value);
        }
    }

    /// <summary>Trains the quantiser on (a sample of) the vectors and indexes all of them.</summary>
    /// <param name="vectors">One row per learner.</param>
    /// <param name="ids">The learners, one per row, distinct.</param>
    /// <param name="metric">The metric.</param>
    /// <param name="options">Settings; validated now and copied for the build.</param>
    /// <param name="progress">Optional progress in [0, 1], non-decreasing, ending at 1: training takes the first 70 %
    /// (one step per k-means iteration), placing every vector in its list the rest.</param>
    /// <param name="cancellationToken">Stops the build between k-means iterations and between blocks of vectors.</param>
    /// <returns>The index.</returns>
    /// <exception cref="ArgumentException">Lengths differ, an id repeats, or a vector is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the first invalid option's
    /// name and the message lists every invalid option.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing of the partial build is returned or kept.</exception>
    public static IvfIndex Build(FeatureMatrix vectors, IReadOnlyList<LearnerId> ids, SimilarityMetric metric = SimilarityMetric.Cosine, IvfIndexOptions? options = null,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(ids);
        options ??= new IvfIndexOptions();
        IvfIndexOptionsValidator.ThrowIfInvalid(options);
        options = options.Copy();
        using var activity = SimilarityTelemetry.ActivitySource.StartActivity("IvfIndex.Build");
        if (ids.Count != vectors.Rows)
        {
            throw new ArgumentException($"There are {ids.Count} ids for {vectors.Rows} vectors.", nameof(ids));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(vectors.Rows, 1, nameof(vectors));
        var dims = vectors.Dimensions;
        var data = vectors.AsSpan().ToArray();
        for (var r = 0; r < vectors.Rows; r++)
        {
            Prepare(data.AsSpan(r * dims, dims), metric, r);
        }

        var lists = options.Lists > 0 ? options.Lists : Math.Max(1, (int)Math.Round(Math.Sqrt(vectors.Rows)));
        lists = Math.Min(lists, vectors.Rows);
        var report = new MonotoneProgress(progress);
        var centroids = Train(data, dims, vectors.Rows, lists, metric, options, report, cancellationToken);
        var index = new IvfIndex(dims, metric, centroids, Math.Min(options.Probes, lists));
        var assignment = new int[vectors.Rows];
        var all = new int[vectors.Rows];
        for (var r = 0; r < all.Length; r++) { all[r] = r; }
        KMeans.Assign(data, dims, all, centroids, lists, metric, assignment, options.MaxDegreeOfParallelism, cancellationToken);
        report.Report(0.95);
        cancellationToken.ThrowIfCancellationRequested();
        for (var r = 0; r < vectors.Rows; r++)
        {
            index.Insert(ids[r].Value, data.AsSpan(r * dims, dims), assignment[r]);
        }

        report.Report(1);
        return index;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The vector's length is wrong or it has a non-finite value.</exception>
    public void Add(LearnerId id, ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"The vector has {vector.Length} dimensions; the index has {Dimensions}.", nameof(vector));
        }

        var v = vector.ToArray();
        Prepare(v, Metric, -1);
        Remove(id);
        Insert(id.Value, v, Nearest(v, new float[Lists]));
    }

    /// <inheritdoc />
    public bool Remove(LearnerId id)
    {
        if (!_where.Remove(id.Value, out var at))
        {
            return false;
        }

        var ids = _ids[at.List];
        var vectors = _vectors[at.List];
        var last = ids.Count - 1;
        if (at.Slot != last)
        {
            var moved = ids[last];
            ids[at.Slot] = moved;
            for (var j = 0; j < Dimensions; j++) { vectors[at.Slot * Dimensions + j] = vectors[last * Dimensions + j]; }
            _where[moved] = (at.List, at.Slot);
        }

        ids.RemoveAt(last);
        vectors.RemoveRange(last * Dimensions, Dimensions);
        return true;
    }

    /// <inheritdoc />
    /// <remarks>With a filter, lists beyond <see cref="Probes"/> are scanned until k learners pass it (or all lists are scanned).</remarks>
    /// <exception cref="ArgumentException">The query's length is wrong, it is not finite, or (cosine) it is all zeros.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k is not positive or exceeds the number of learners indexed.</exception>
    public IReadOnlyList<Neighbor> Search(ReadOnlySpan<float> query, int k, Func<LearnerId, bool>? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, Count);
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"The query has {query.Length} dimensions; the index has {Dimensions}.", nameof(query));
        }

        var q = query.ToArray();
        if (!Prepare(q, Metric, -1, nameof(query)) && Metric == SimilarityMetric.Cosine)
        {
            throw new ArgumentException("The query is all zeros: its cosine similarity to any learner is undefined.", nameof(query));
        }

        var centroidKeys = new float[Lists];
        Keys(q, _centroids, centroidKeys);
        var probes = Math.Min(Probes, Lists);
        var order = new int[Lists];
        for (var i = 0; i < order.Length; i++) { order[i] = i; }
        Array.Sort(centroidKeys, order, Comparer<float>.Create(static (a, b) => b.CompareTo(a)));
        var heap = new TopKHeap(k);
        var ids = new List<long>();
        float[] scratch = [];
        long scanned = 0;
        // Scan the nearest Probes lists; when a filter leaves fewer than k learners there, keep widening to the next
        // lists until k are found or every list is scanned, so k come back whenever k learners qualify.
        for (var p = 0; p < Lists && (p < probes || heap.Count < k); p++)
        {
            var list = order[p];
            var count = _ids[list].Count;
            if (count == 0) { continue; }
            if (scratch.Length < count) { scratch = new float[Math.Max(count, scratch.Length * 2)]; }
            var keys = scratch.AsSpan(0, count);
            Keys(q, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_vectors[list]), keys);
            scanned += count;
            var listIds = _ids[list];
            for (var i = 0; i < count; i++)
            {
                if (keys[i] < heap.Threshold) { continue; }
                if (filter is not null && !filter(new LearnerId(listIds[i]))) { continue; }
                heap.Offer(keys[i], ids.Count);
                ids.Add(listIds[i]);
            }
        }

        SimilarityTelemetry.Searches.Add(1);
        SimilarityTelemetry.VectorsScanned.Add(scanned);
        return heap.Sorted().Select(x => new Neighbor(new LearnerId(ids[x.Row]), Metric == SimilarityMetric.Euclidean ? MathF.Sqrt(-x.Key) : x.Key)).ToArray();
    }

    /// <inheritdoc />
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write("CKIVF"u8);
        w.Write(FormatVersion);
        w.Write(Dimensions);
        w.Write((int)Metric);
        w.Write(Lists);
        w.Write(Probes);
        foreach (var c in _centroids) { w.Write(c); }
        for (var l = 0; l < Lists; l++)
        {
            w.Write(_ids[l].Count);
            foreach (var id in _ids[l]) { w.Write(id); }
            foreach (var v in _vectors[l]) { w.Write(v); }
        }
    }

    /// <summary>Reads an index written by <see cref="Save"/>.</summary>
    /// <param name="stream">The source.</param>
    /// <returns>The index.</returns>
    /// <exception cref="InvalidDataException">The stream is not a CohortKit IVF index, has an unknown version or stores fewer than one probe.</exception>
    public static IvfIndex Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        if (!r.ReadBytes(5).AsSpan().SequenceEqual("CKIVF"u8)) { throw new InvalidDataException("Not a CohortKit IVF index."); }
        var version = r.ReadInt32();
        if (version != FormatVersion) { throw new InvalidDataException($"Unknown IVF index format version {version}."); }
        var dims = r.ReadInt32();
        var metric = (SimilarityMetric)r.ReadInt32();
        var lists = r.ReadInt32();
        var probes = r.ReadInt32();
        if (probes < 1) { throw new InvalidDataException($"The index stores {probes} probes; at least 1 is needed."); }
        var centroids = new float[lists * dims];
        for (var i = 0; i < centroids.Length; i++) { centroids[i] = r.ReadSingle(); }
        var index = new IvfIndex(dims, metric, centroids, probes);
        for (var l = 0; l < lists; l++)
        {
            var count = r.ReadInt32();
            var ids = new long[count];
            for (var i = 0; i < count; i++) { ids[i] = r.ReadInt64(); }
            var v = new float[dims];
            for (var i = 0; i < count; i++)
            {
                for (var j = 0; j < dims; j++) { v[j] = r.ReadSingle(); }
                index.Insert(ids[i], v, l);
            }
        }

        return index;
    }

    private void Insert(long id, ReadOnlySpan<float> vector, int list)
    {
        if (!_where.TryAdd(id, (list, _ids[list].Count)))
        {
            throw new ArgumentException($"Learner {id} is indexed twice.", nameof(id));
        }

        _ids[list].Add(id);
        _vectors[list].AddRange(vector);
    }

    private int Nearest(ReadOnlySpan<float> v, float[] scratch)
    {
        Keys(v, _centroids, scratch);
        return TensorPrimitives.IndexOfMax(scratch);
    }

    /// <summary>Higher-is-better keys of one vector against rows: dot for cosine/dot, negative squared distance for Euclidean.</summary>
    private void Keys(ReadOnlySpan<float> v, ReadOnlySpan<float> rows, Span<float> keys) => KMeans.Keys(Metric, v, rows, Dimensions, keys);

    /// <summary>Rejects non-finite values and normalises cosine vectors; returns false for an all-zero cosine vector.</summary>
    private static bool Prepare(Span<float> v, SimilarityMetric metric, int row, string name = "vectors")
    {
        foreach (var x in v)
        {
            if (!float.IsFinite(x))
            {
                throw new ArgumentException(row >= 0 ? $"Row {row} has a NaN or infinite feature." : "The vector has a NaN or infinite value.", name);
            }
        }

        return metric != SimilarityMetric.Cosine || VectorMath.NormalizeInPlace(v);
    }

    /// <summary>k-means (spherical for cosine) on a seeded sample; empty cells are re-seeded from the sample.</summary>
    private static float[] Train(float[] data, int dims, int rows, int lists, SimilarityMetric metric, IvfIndexOptions options,
        MonotoneProgress progress, CancellationToken cancellationToken)
    {
        var rng = new Xoshiro256(unchecked((ulong)options.Seed), 0);
        var sampleSize = Math.Min(rows, Math.Max(options.TrainingSample, lists));
        var sample = new int[rows];
        for (var i = 0; i < rows; i++) { sample[i] = i; }
        for (var i = 0; i < sampleSize; i++)
        {
            var j = i + (int)((rng.NextUInt64() >> 11) % (ulong)(rows - i));
            (sample[i], sample[j]) = (sample[j], sample[i]);
        }

        var centroids = new float[lists * dims];
        for (var c = 0; c < lists; c++) { data.AsSpan(sample[c] * dims, dims).CopyTo(centroids.AsSpan(c * dims)); }
        var assign = new int[sampleSize];
        var training = sample.AsMemory(0, sampleSize);
        for (var it = 0; it < options.Iterations; it++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            KMeans.Assign(data, dims, training, centroids, lists, metric, assign, options.MaxDegreeOfParallelism, cancellationToken);
            KMeans.Update(data, dims, training.Span, assign, centroids, lists, metric == SimilarityMetric.Cosine, ref rng);
            progress.Report(0.7 * (it + 1) / options.Iterations);
        }

        return centroids;
    }
}
