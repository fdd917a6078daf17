using System.Globalization;

namespace CohortKit.Churn.Tabular;

/// <summary>Types and encodes the feature columns of a <see cref="TabularDataset"/>: numbers, missing cells and categories.</summary>
internal static class TabularColumns
{
    /// <summary>The suffix of the indicator column added after a numeric column with missing cells.</summary>
    internal const string MissingSuffix = "=missing";

    /// <summary>The cell texts (trimmed, case-insensitive) that mean "missing", besides the empty cell.</summary>
    private static readonly HashSet<string> MissingTokens = new(["NA", "N/A", "NaN", "null", "?"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a trimmed cell is missing: empty, NA, N/A, NaN, null or ?.</summary>
    internal static bool IsMissing(string cell) => cell.Length == 0 || MissingTokens.Contains(cell);

    /// <summary>Parses a trimmed cell as a finite number: invariant culture, and with a decimal comma ("1,5") when the file's
    /// separator is ';' (European exports).</summary>
    internal static bool TryNumber(string cell, char separator, out float value)
    {
        if (float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value)) { return true; }
        return separator == ';' && cell.Count(c => c == ',') == 1 && !cell.Contains('.', StringComparison.Ordinal)
            && float.TryParse(cell.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);
    }

    /// <summary>Encodes one column as one or two feature columns. A column whose non-missing cells are all numbers is numeric:
    /// missing cells take the median of its non-missing cells (0 when every cell is missing), and a <c>name=missing</c>
    /// indicator column (1 where the cell was missing) follows it when any cell is missing. Any other column is
    /// dictionary-encoded as the codes 0, 1, … in order of first appearance, every missing cell sharing one code.</summary>
    internal static IEnumerable<(string Name, float[] Values)> Encode(string name, IReadOnlyList<string> cells, char separator)
    {
        var rows = cells.Count;
        var numbers = new float[rows];
        var missing = new bool[rows];
        var anyMissing = false;
        var numeric = true;
        for (var r = 0; r < rows && numeric; r++)
        {
            var cell = cells[r].Trim();
            if (IsMissing(cell)) { missing[r] = anyMissing = true; }
            else { numeric = TryNumber(cell, separator, out numbers[r]); }
        }

        if (!numeric)
        {
            var codes = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var r = 0; r < rows; r++)
            {
                var cell = cells[r].Trim();
                var key = IsMissing(cell) ? string.Empty : cell;
                if (!codes.TryGetValue(key, out var code)) { codes[key] = code = codes.Count; }
                numbers[r] = code;
            }

            yield return (name, numbers);
            yield break;
        }

        if (!anyMissing)
        {
            yield return (name, numbers);
            yield break;
        }

        var fill = Median(numbers.Where((_, r) => !missing[r]).ToArray());
        var indicator = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            if (missing[r]) { numbers[r] = fill; indicator[r] = 1; }
        }

        yield return (name, numbers);
        yield return (name + MissingSuffix, indicator);
    }

    /// <summary>The median (the mean of the two middle values for an even count), or 0 for no values.</summary>
    private static float Median(float[] values)
    {
        if (values.Length == 0) { return 0; }
        Array.Sort(values);
        var mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (float)(((double)values[mid - 1] + values[mid]) / 2);
    }
}
