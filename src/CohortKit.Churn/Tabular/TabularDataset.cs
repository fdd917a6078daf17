using System.Text;
using CohortKit.Features;

namespace CohortKit.Churn.Tabular;

/// <summary>A labelled table read from a delimited text file for <see cref="CrossValidator"/>: every column but the label
/// (and the excluded ones) becomes a feature.</summary>
/// <remarks><para>The reader detects what real exports do: a comma or semicolon separator (whichever the header has more of outside
/// quotes), a UTF-8 byte-order mark, quoted headers and fields (RFC 4180 doubling of quotes), CRLF or LF, and header names
/// with stray white space (trimmed).</para>
/// <para>A cell that is empty or reads NA, N/A, NaN, null or ? (any case) is missing. A column whose non-missing cells are all
/// numbers is numeric (with a ';' separator a decimal comma, "1,5", is read as 1.5): its missing cells take the median of its
/// non-missing cells over the whole file (the label is not used, so no label leaks), and an indicator column
/// <c>name=missing</c> (1 where the cell was missing) follows it. Any other column is dictionary-encoded as the codes 0, 1, …
/// in order of first appearance, the missing cells sharing one code (trees split such codes; the logistic baseline treats
/// them as numbers). A missing label cell is refused with its line.</para></remarks>
public sealed class TabularDataset
{
    private TabularDataset(FeatureMatrix features, bool[] labels, char separator)
    {
        Features = features;
        Labels = labels;
        Separator = separator;
    }

    /// <summary>Gets the features, one row per data row.</summary>
    public FeatureMatrix Features { get; }

    /// <summary>Gets the labels: <see langword="true"/> where the label column equals the positive value.</summary>
    public ReadOnlyMemory<bool> Labels { get; }

    /// <summary>Gets the separator found.</summary>
    public char Separator { get; }

    /// <summary>Reads a file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="labelColumn">The label column's name (case-insensitive, trimmed).</param>
    /// <param name="positive">The label value that means churn; every other value is the negative class.</param>
    /// <param name="exclude">Columns to leave out of the features (ids, leaks).</param>
    /// <returns>The data set.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, has no data row, a row's field count differs from the header's,
    /// or a label cell is missing (the message gives the line).</exception>
    /// <exception cref="ArgumentException">The label or an excluded column is missing (param <c>labelColumn</c>/<c>exclude</c>), the
    /// positive value never occurs or every row has it (param <c>positive</c>), or no feature column is left.</exception>
    public static TabularDataset Load(string path, string labelColumn, string positive, IReadOnlyCollection<string>? exclude = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(labelColumn);
        ArgumentNullException.ThrowIfNull(positive);
        exclude ??= [];
        string text;
        using (var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true)) { text = reader.ReadToEnd(); }
        var file = Path.GetFileName(path);
        var records = Parse(text, out var separator, out var lines);
        if (records.Count == 0) { throw new InvalidDataException($"{file}: the file is empty; a header line is required."); }
        var header = records[0].Select(h => h.Trim()).ToArray();
        if (records.Count == 1) { throw new InvalidDataException($"{file}: the file has a header but no rows; the training set would be empty."); }
        for (var r = 1; r < records.Count; r++)
        {
            if (records[r].Count != header.Length)
            {
                throw new InvalidDataException($"{file}: line {lines[r]} (data row {r}) has {records[r].Count} fields; the header has {header.Length} (separator '{separator}').");
            }
        }

        var label = IndexOf(header, labelColumn) ?? throw new ArgumentException($"{file}: label column '{labelColumn}' is missing; the header has {string.Join(", ", header)}.", nameof(labelColumn));
        var excluded = new HashSet<int>();
        foreach (var name in exclude)
        {
            excluded.Add(IndexOf(header, name) ?? throw new ArgumentException($"{file}: excluded column '{name}' is missing; the header has {string.Join(", ", header)}.", nameof(exclude)));
        }

        var rows = records.Count - 1;
        var labels = new bool[rows];
        var positives = 0;
        for (var r = 0; r < rows; r++)
        {
            var value = records[r + 1][label].Trim();
            if (TabularColumns.IsMissing(value) && !string.Equals(value, positive, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{file}: line {lines[r + 1]}, label column '{header[label]}' is {(value.Length == 0 ? "blank" : $"'{value}' (missing)")}; every row needs a label: fill it in or remove the row.");
            }

            labels[r] = string.Equals(value, positive, StringComparison.Ordinal);
            if (labels[r]) { positives++; }
        }

        if (positives == 0 || positives == rows)
        {
            var values = string.Join(", ", records.Skip(1).Select(f => f[label].Trim()).Distinct().Take(10));
            throw new ArgumentException($"{file}: label column '{header[label]}' with positive value '{positive}' gives {positives} positives among {rows} rows; a binary label needs both classes (values seen: {values}).", nameof(positive));
        }

        var featureColumns = Enumerable.Range(0, header.Length).Where(c => c != label && !excluded.Contains(c)).ToArray();
        if (featureColumns.Length == 0) { throw new ArgumentException($"{file}: no feature column is left after the label and the exclusions.", nameof(exclude)); }
        var encoded = featureColumns
            .SelectMany(c => TabularColumns.Encode(header[c], records.Skip(1).Select(f => f[c]).ToArray(), separator))
            .ToArray();
        var matrix = new FeatureMatrix(rows, encoded.Length, [.. encoded.Select(e => e.Name)]);
        for (var f = 0; f < encoded.Length; f++)
        {
            for (var r = 0; r < rows; r++) { matrix[r, f] = encoded[f].Values[r]; }
        }

        return new TabularDataset(matrix, labels, separator);
    }

    private static int? IndexOf(string[] header, string name)
    {
        for (var i = 0; i < header.Length; i++)
        {
            if (string.Equals(header[i], name.Trim(), StringComparison.OrdinalIgnoreCase)) { return i; }
        }

        return null;
    }

    /// <summary>Splits RFC 4180 records; the separator is the one of ',' and ';' that occurs more often outside quotes on the first
    /// line. <paramref name="lines"/> gets each record's first line number (1-based; a quoted field may span lines).</summary>
    internal static List<List<string>> Parse(string text, out char separator, out List<int> lines)
    {
        separator = DetectSeparator(text);
        var records = new List<List<string>>();
        lines = [];
        var line = 1;
        var recordLine = 1;
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else { quoted = false; }
                }
                else
                {
                    if (c == '\n') { line++; }
                    field.Append(c);
                }

                continue;
            }

            if (c == '"') { quoted = true; any = true; }
            else if (c == separator) { fields.Add(field.ToString()); field.Clear(); any = true; }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { i++; }
                if (any || field.Length > 0) { fields.Add(field.ToString()); records.Add(fields); lines.Add(recordLine); }
                line++;
                recordLine = line;
                fields = [];
                field.Clear();
                any = false;
            }
            else { field.Append(c); any = true; }
        }

        if (any || field.Length > 0) { fields.Add(field.ToString()); records.Add(fields); lines.Add(recordLine); }
        return records;
    }

    private static char DetectSeparator(string text)
    {
        int commas = 0, semicolons = 0;
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"') { quoted = !quoted; }
            else if (!quoted && c is '\r' or '\n') { break; }
            else if (!quoted && c == ',') { commas++; }
            else if (!quoted && c == ';') { semicolons++; }
        }

        return semicolons > commas ? ';' : ',';
    }
}
