using CohortKit.Experiments;
using CohortKit.Learners;
using CohortKit.Tables;

namespace CohortKit.Cli.Experiments;

/// <summary>Loads and checks what the <c>experiment</c> commands read, so that bad input fails with one line naming the
/// option, column or value (exit 2) instead of an exception from deep inside.</summary>
internal static class ExperimentInput
{
    /// <summary>Loads a CSV file given to <paramref name="option"/>: a directory or a header-only file is refused.</summary>
    public static CsvTable Load(FileInfo file, string option)
    {
        if (Directory.Exists(file.FullName))
        {
            throw new ArgumentException($"{option}: '{file.FullName}' is a directory; give a CSV file with one row per learner.");
        }

        var table = CsvTable.Load(file.FullName);
        if (table.RowCount == 0)
        {
            throw new ArgumentException($"{option}: '{file.FullName}' has a header but no rows.");
        }

        return table;
    }

    /// <summary>Splits a comma-separated list (empty entries dropped, entries trimmed).</summary>
    public static string[] List(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Refuses a column named more than once across the metric options (e.g. <c>--metric y,y</c>).</summary>
    public static void RequireDistinct(IEnumerable<(string Name, string Option)> columns)
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, option) in columns)
        {
            if (!seen.TryAdd(name, option))
            {
                throw new ArgumentException($"{option}: column '{name}' is given twice (also in {seen[name]}); name each metric once.");
            }
        }
    }

    /// <summary>Checks that a column exists, naming the option and the file's columns when it does not.</summary>
    public static string Column(CsvTable table, string name, string option)
    {
        if (!table.HasColumn(name))
        {
            throw new ArgumentException($"{option}: column '{name}' is not in {Path.GetFileName(table.FileName)} (columns: {string.Join(", ", table.ColumnNames)}).");
        }

        return name;
    }

    /// <summary>Reads a categorical column (arm, segment, cluster): it must exist and have no blank cell.</summary>
    public static CategoricalColumn Categorical(CsvTable table, string name, string option)
    {
        var column = table.Categorical(Column(table, name, option));
        if (column.TryGetCode("", out var blank))
        {
            var row = column.Codes.IndexOf(blank);
            throw new ArgumentException($"{option}: column '{name}' is blank in data row {row + 1} of {Path.GetFileName(table.FileName)}; every row needs a value.");
        }

        return column;
    }

    /// <summary>Reads a numeric column that must exist.</summary>
    public static MetricColumn Metric(CsvTable table, string name, string option) => new(name, table.Numeric(Column(table, name, option)));

    /// <summary>Parses a list of positive finite numbers, e.g. <c>--expected-ratios 90,10</c>.</summary>
    public static double[] Numbers(string value, string option)
    {
        var parts = List(value);
        var numbers = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out numbers[i])
                || !(numbers[i] > 0 && double.IsFinite(numbers[i])))
            {
                throw new ArgumentException($"{option}: '{parts[i]}' is not a positive number.");
            }
        }

        return numbers;
    }

    /// <summary>Refuses a non-finite value given to a numeric option (e.g. <c>--baseline-mean NaN</c>).</summary>
    public static void Finite(double? value, string option)
    {
        if (value is { } v && !double.IsFinite(v))
        {
            throw new ArgumentException($"{option} must be a finite number (got {v}).");
        }
    }
}
