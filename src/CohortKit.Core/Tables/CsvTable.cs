using System.Globalization;
using CohortKit.Csv;
using CohortKit.Errors;
using CohortKit.Learners;

namespace CohortKit.Tables;

/// <summary>
/// A CSV file held as text columns, for tools that pick their columns at run time (the CLI's experiment commands).
/// Columns are converted on request with errors that name file, line, column and value.
/// </summary>
/// <remarks>Holds every field as a string; for very large event logs use <see cref="ActivityCsv"/> instead. Immutable and thread-safe.</remarks>
public sealed class CsvTable
{
    private readonly Dictionary<string, string[]> _columns;
    private readonly long[] _lines;

    private CsvTable(string fileName, List<string> names, Dictionary<string, string[]> columns, long[] lines)
    {
        FileName = fileName;
        ColumnNames = names;
        _columns = columns;
        _lines = lines;
    }

    /// <summary>Gets the file's name (for messages).</summary>
    public string FileName { get; }

    /// <summary>Gets the header's column names in file order.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Gets the number of data rows.</summary>
    public int RowCount => _lines.Length;

    /// <summary>Loads a CSV file with a header (UTF-8, comma-separated, RFC 4180 quotes, LF or CRLF).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The table.</returns>
    /// <exception cref="CsvFormatException">The file is empty, a header name repeats, or a line's field count differs from the header's.</exception>
    public static CsvTable Load(string path) => Load(path, requireFinalLineEnd: true);

    /// <summary>Loads a CSV file with a header, optionally accepting a last line without a line end: for files exported by
    /// other tools (CohortKit's own dialect requires one, so that a file still being written is not taken as complete).</summary>
    /// <param name="path">The file.</param>
    /// <param name="requireFinalLineEnd"><see langword="false"/> to read a last line without a line end as a complete line.</param>
    /// <returns>The table.</returns>
    /// <exception cref="CsvFormatException">The file is empty, a header name repeats, or a line's field count differs from the header's.</exception>
    public static CsvTable Load(string path, bool requireFinalLineEnd)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var reader = requireFinalLineEnd ? CsvRecordReader.Open(path) : CsvRecordReader.OpenTerminated(path);
        if (!reader.Read())
        {
            throw new CsvFormatException(reader.FileName, 1, null, null, "The file is empty; a header line is required.");
        }

        var names = CsvFields.Header(reader);
        var cells = names.Select(_ => new List<string>()).ToArray();
        var lines = new List<long>();
        while (reader.Read())
        {
            CsvFields.RequireFieldCount(reader, names.Count);
            for (var f = 0; f < names.Count; f++) { cells[f].Add(reader.GetString(f)); }
            lines.Add(reader.Line);
        }

        var columns = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        for (var f = 0; f < names.Count; f++) { columns[names[f]] = [.. cells[f]]; }
        return new CsvTable(reader.FileName, names, columns, [.. lines]);
    }

    /// <summary>Gets whether a column exists (ignoring case).</summary>
    /// <param name="name">The column name.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool HasColumn(string name) => _columns.ContainsKey(name);

    /// <summary>Reads a column as numbers: invariant-culture decimals, and <c>true</c>/<c>false</c> (any case) as 1/0.</summary>
    /// <param name="name">The column name.</param>
    /// <returns>One finite value per row.</returns>
    /// <exception cref="CsvFormatException">The column is missing, or a value is empty, unparsable or not finite.</exception>
    public double[] Numeric(string name)
    {
        var cells = Column(name);
        var values = new double[cells.Length];
        for (var i = 0; i < cells.Length; i++)
        {
            var text = cells[i].AsSpan().Trim();
            if (text.Length == 0)
            {
                throw new CsvFormatException(FileName, _lines[i], name, cells[i], "The value is missing; every row needs a number here.");
            }

            if (text.Equals("true", StringComparison.OrdinalIgnoreCase)) { values[i] = 1; continue; }
            if (text.Equals("false", StringComparison.OrdinalIgnoreCase)) { values[i] = 0; continue; }
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
            {
                throw new CsvFormatException(FileName, _lines[i], name, cells[i], "It is not a finite number (or true/false).");
            }
        }

        return values;
    }

    /// <summary>Reads a column as integers.</summary>
    /// <param name="name">The column name.</param>
    /// <returns>One value per row.</returns>
    /// <exception cref="CsvFormatException">The column is missing or a value is not an integer.</exception>
    public long[] Integers(string name)
    {
        var cells = Column(name);
        var values = new long[cells.Length];
        for (var i = 0; i < cells.Length; i++)
        {
            if (!long.TryParse(cells[i].AsSpan().Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]))
            {
                throw new CsvFormatException(FileName, _lines[i], name, cells[i], "It is not an integer.");
            }
        }

        return values;
    }

    /// <summary>Reads a column as a dictionary-encoded categorical column (values trimmed; codes in order of first appearance).</summary>
    /// <param name="name">The column name.</param>
    /// <returns>The column.</returns>
    /// <exception cref="CsvFormatException">The column is missing.</exception>
    public CategoricalColumn Categorical(string name)
    {
        var cells = Column(name);
        return CategoricalColumn.Encode(ColumnNames.First(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)), cells.Select(v => v.Trim()));
    }

    /// <summary>Writes columns to a CSV file (overwritten): invariant culture, shortest round-trip numbers, RFC 4180 quoting,
    /// LF after every record (so a complete file ends with a line end).</summary>
    /// <param name="path">The file.</param>
    /// <param name="columns">The columns, all of the same length.</param>
    /// <exception cref="ArgumentException">A column has another length than the first.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, IReadOnlyList<CsvColumn> columns)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(columns);
        var rows = columns.Count == 0 ? 0 : columns[0].Count;
        foreach (var column in columns)
        {
            if (column.Count != rows) { throw new ArgumentException($"Column '{column.Name}' has {column.Count} rows; the first has {rows}.", nameof(columns)); }
        }

        using var writer = CsvWriter.Create(path);
        foreach (var column in columns) { writer.WriteField(column.Name); }
        writer.EndRecord();
        for (var r = 0; r < rows; r++)
        {
            foreach (var column in columns) { column.Write(writer, r); }
            writer.EndRecord();
        }
    }

    private string[] Column(string name)
        => _columns.TryGetValue(name, out var cells)
            ? cells
            : throw new CsvFormatException(FileName, 1, name, null, $"Column '{name}' is missing; the header has {string.Join(", ", ColumnNames)}.");
}
