using CohortKit.Csv;
using CohortKit.Learners;

namespace CohortKit.Tables;

/// <summary>One named, typed column for <see cref="CsvTable.Save"/>: numbers are written in invariant culture as the
/// shortest text that round-trips, text with RFC 4180 quoting where needed.</summary>
/// <remarks>Holds a read-only view of the caller's values (no copy); immutable and thread-safe while they do not change.</remarks>
public sealed class CsvColumn
{
    private readonly Action<CsvWriter, int> _write;

    private CsvColumn(string name, int count, Action<CsvWriter, int> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Count = count;
        _write = write;
    }

    /// <summary>Gets the header name.</summary>
    public string Name { get; }

    /// <summary>Gets the number of values (rows).</summary>
    public int Count { get; }

    /// <summary>A column of doubles.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="values">The values.</param>
    /// <returns>The column.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static CsvColumn Of(string name, ReadOnlyMemory<double> values) => new(name, values.Length, (w, r) => w.WriteField(values.Span[r]));

    /// <summary>A column of single-precision numbers.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="values">The values.</param>
    /// <returns>The column.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static CsvColumn Of(string name, ReadOnlyMemory<float> values) => new(name, values.Length, (w, r) => w.WriteField(values.Span[r]));

    /// <summary>A column of 64-bit integers.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="values">The values.</param>
    /// <returns>The column.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static CsvColumn Of(string name, ReadOnlyMemory<long> values) => new(name, values.Length, (w, r) => w.WriteField(values.Span[r]));

    /// <summary>A column of 32-bit integers.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="values">The values.</param>
    /// <returns>The column.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static CsvColumn Of(string name, ReadOnlyMemory<int> values) => new(name, values.Length, (w, r) => w.WriteField(values.Span[r]));

    /// <summary>A column of text.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="values">The values.</param>
    /// <returns>The column.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    public static CsvColumn Of(string name, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(name, values.Count, (w, r) => w.WriteField(values[r]));
    }

    /// <summary>A categorical column, written as its category names.</summary>
    /// <param name="column">The column; its name is the header name.</param>
    /// <returns>The column.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="column"/> is null.</exception>
    public static CsvColumn Of(CategoricalColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return new(column.Name, column.Count, (w, r) => w.WriteField(column[r]));
    }

    internal void Write(CsvWriter writer, int row) => _write(writer, row);
}
