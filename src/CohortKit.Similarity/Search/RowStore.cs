using CohortKit.Learners;
using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Search;

/// <summary>The learners of an exact index: one float32 row per learner in a growable row-major buffer, with the id of
/// each row and the row of each id. Removing swaps the last row into the hole, so rows stay contiguous for the scan.</summary>
/// <remarks>Reads may run concurrently; <see cref="Set"/> and <see cref="Remove"/> need exclusive access.</remarks>
internal sealed class RowStore
{
    private readonly Dictionary<long, int> _rowOf = [];
    private float[] _data = [];
    private long[] _ids = [];

    /// <summary>Creates an empty store.</summary>
    /// <param name="dimensions">The row length, or 0 to take it from the first row set.</param>
    public RowStore(int dimensions) => Dimensions = dimensions;

    /// <summary>Gets the row length (0 until the first row when it was not given).</summary>
    public int Dimensions { get; private set; }

    /// <summary>Gets the number of rows.</summary>
    public int Count { get; private set; }

    /// <summary>Gets the rows, row-major.</summary>
    public ReadOnlySpan<float> Data => _data.AsSpan(0, Count * Dimensions);

    /// <summary>Gets one row.</summary>
    public ReadOnlySpan<float> Row(int row) => _data.AsSpan(row * Dimensions, Dimensions);

    /// <summary>Gets whether a learner is stored.</summary>
    public bool Contains(LearnerId id) => _rowOf.ContainsKey(id.Value);

    /// <summary>Gets the learner of a row.</summary>
    public LearnerId Id(int row) => new(_ids[row]);

    /// <summary>Sets a learner's row: overwrites it when the learner is stored, appends it otherwise.</summary>
    /// <param name="id">The learner.</param>
    /// <param name="vector">Its vector (checked by the caller).</param>
    /// <returns>The row written.</returns>
    /// <exception cref="ArgumentException">The vector's length differs from the rows'.</exception>
    public int Set(LearnerId id, ReadOnlySpan<float> vector)
    {
        if (Dimensions == 0) { Dimensions = vector.Length; }
        if (vector.Length != Dimensions || vector.Length == 0)
        {
            throw new ArgumentException($"The vector has {vector.Length} dimensions; the index has {Dimensions}.", nameof(vector));
        }

        if (!_rowOf.TryGetValue(id.Value, out var row))
        {
            row = Count;
            if (row == _ids.Length)
            {
                var capacity = Math.Max(16, 2 * _ids.Length);
                Array.Resize(ref _ids, capacity);
                Array.Resize(ref _data, capacity * Dimensions);
            }

            _ids[row] = id.Value;
            _rowOf.Add(id.Value, row);
            Count++;
        }

        vector.CopyTo(_data.AsSpan(row * Dimensions, Dimensions));
        return row;
    }

    /// <summary>Removes a learner: the last row moves into its place.</summary>
    /// <param name="id">The learner.</param>
    /// <param name="row">The row that was freed (and now holds the former last row, unless it was the last).</param>
    /// <returns><see langword="true"/> when the learner was stored.</returns>
    public bool Remove(LearnerId id, out int row)
    {
        if (!_rowOf.Remove(id.Value, out row))
        {
            return false;
        }

        var last = Count - 1;
        if (row != last)
        {
            _ids[row] = _ids[last];
            _rowOf[_ids[row]] = row;
            _data.AsSpan(last * Dimensions, Dimensions).CopyTo(_data.AsSpan(row * Dimensions, Dimensions));
        }

        Count = last;
        return true;
    }

    /// <summary>The version of the layout written after an index's five-byte tag.</summary>
    private const int FormatVersion = 1;

    /// <summary>Writes an index file's header: its five-byte tag, the format version and the metric.</summary>
    public static void WriteHeader(BinaryWriter writer, ReadOnlySpan<byte> tag, SimilarityMetric metric)
    {
        writer.Write(tag);
        writer.Write(FormatVersion);
        writer.Write((int)metric);
    }

    /// <summary>Reads and checks what <see cref="WriteHeader"/> wrote.</summary>
    /// <param name="reader">The source.</param>
    /// <param name="tag">The expected tag.</param>
    /// <param name="what">The kind of index, for the message ("flat index").</param>
    /// <returns>The metric.</returns>
    /// <exception cref="InvalidDataException">The tag, version or metric is not one this code writes.</exception>
    public static SimilarityMetric ReadHeader(BinaryReader reader, ReadOnlySpan<byte> tag, string what)
    {
        if (!reader.ReadBytes(tag.Length).AsSpan().SequenceEqual(tag)) { throw new InvalidDataException($"Not a CohortKit {what}."); }
        var version = reader.ReadInt32();
        if (version != FormatVersion) { throw new InvalidDataException($"Unknown {what} format version {version}."); }
        var metric = (SimilarityMetric)reader.ReadInt32();
        return Enum.IsDefined(metric) ? metric : throw new InvalidDataException($"Unknown similarity metric {(int)metric}.");
    }

    /// <summary>Writes the dimensions, the count, then each row's id and values.</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(Dimensions);
        writer.Write(Count);
        for (var r = 0; r < Count; r++)
        {
            writer.Write(_ids[r]);
            foreach (var v in Row(r)) { writer.Write(v); }
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote, calling <paramref name="add"/> for each row.</summary>
    /// <exception cref="InvalidDataException">The dimensions or the count are negative.</exception>
    public static void Read(BinaryReader reader, Action<LearnerId, float[]> add, out int dimensions)
    {
        dimensions = reader.ReadInt32();
        var count = reader.ReadInt32();
        if (dimensions < 0 || count < 0 || (count > 0 && dimensions == 0))
        {
            throw new InvalidDataException($"The index stores {count} rows of {dimensions} dimensions.");
        }

        for (var r = 0; r < count; r++)
        {
            var id = new LearnerId(reader.ReadInt64());
            var v = new float[dimensions];
            for (var j = 0; j < dimensions; j++) { v[j] = reader.ReadSingle(); }
            add(id, v);
        }
    }
}
