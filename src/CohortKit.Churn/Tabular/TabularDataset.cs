using System.Globalization;
using System.Text;
using CohortKit.Features;

namespace CohortKit.Churn.Tabular;

/// <summary>A labelled table read from a delimited text file for <see cref="CrossValidator"/>: every column but the label
/// (and the excluded ones) becomes a feature.</summary>
/// <remarks>The reader detects what real exports do: a comma or semicolon separator (whichever the header has more of outside
/// quotes), a UTF-8 byte-order mark, quoted headers and fields (RFC 4180 doubling of quotes), CRLF or LF, and header names
/// with stray white space (trimmed). A column whose every value is a number is numeric; any other is dictionary-encoded as
/// the codes 0, 1, … in order of first appearance (trees split such codes; the logistic baseline treats them as numbers).</remarks>
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
    /// <exception cref="InvalidDataException">The file is empty, has no data row, or a row's field count differs from the header's
    /// (the message gives the line).</exception>
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
        var records = Parse(text, out var separator);
        if (records.Count == 0) { throw new InvalidDataException($"{file}: the file is empty; a header line is required."); }
        var header = records[0].Select(h => h.Trim()).ToArray();
        if (records.Count == 1) { throw new InvalidDataException($"{file}: the file has a header but no rows; the training set would be empty."); }
        for (var r = 1; r < records.Count; r++)
        {
            if (records[r].Count != header.Length)
            {
                throw new InvalidDataException($"{file}: data row {r} has {records[r].Count} fields; the header has {header.Length} (separator '{separator}').");
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
            labels[r] = string.Equals(records[r + 1][label].Trim(), positive, StringComparison.Ordinal);
            if (labels[r]) { positives++; }
        }

        if (positives == 0 || positives == rows)
        {
            var values = string.Join(", ", records.Skip(1).Select(f => f[label].Trim()).Distinct().Take(10));
            throw new ArgumentException($"{file}: label column '{header[label]}' with positive value '{positive}' gives {positives} positives among {rows} rows; a binary label needs both classes (values seen: {values}).", nameof(positive));
        }

        var featureColumns = Enumerable.Range(0, header.Length).Where(c => c != label && !excluded.Contains(c)).ToArray();
        if (featureColumns.Length == 0) { throw new ArgumentException($"{file}: no feature column is left after the label and the exclusions.", nameof(exclude)); }
        var matrix = new FeatureMatrix(rows, featureColumns.Length, [.. featureColumns.Select(c => header[c])]);
        for (var f = 0; f < featureColumns.Length; f++)
        {
            var column = featureColumns[f];
            var numbers = new float[rows];
            var numeric = true;
            for (var r = 0; r < rows && numeric; r++)
            {
                numeric = float.TryParse(records[r + 1][column].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[r]) && float.IsFinite(numbers[r]);
            }

            if (!numeric)
            {
                var codes = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var r = 0; r < rows; r++)
                {
                    var value = records[r + 1][column].Trim();
                    if (!codes.TryGetValue(value, out var code)) { codes[value] = code = codes.Count; }
                    numbers[r] = code;
                }
            }

            for (var r = 0; r < rows; r++) { matrix[r, f] = numbers[r]; }
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

    /// <summary>Splits RFC 4180 records; the separator is the one of ',' and ';' that occurs more often outside quotes on the first line.</summary>
    internal static List<List<string>> Parse(string text, out char separator)
    {
        separator = DetectSeparator(text);
        var records = new List<List<string>>();
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
                else { field.Append(c); }

                continue;
            }

            if (c == '"') { quoted = true; any = true; }
            else if (c == separator) { fields.Add(field.ToString()); field.Clear(); any = true; }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { i++; }
                if (any || field.Length > 0) { fields.Add(field.ToString()); records.Add(fields); }
                fields = [];
                field.Clear();
                any = false;
            }
            else { field.Append(c); any = true; }
        }

        if (any || field.Length > 0) { fields.Add(field.ToString()); records.Add(fields); }
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
