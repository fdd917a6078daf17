using CohortKit.Learners;
using CohortKit.Tables;

namespace CohortKit.Cli.Temporal;

/// <summary>The one check that a categorical column of a CSV names no blank group, cohort or attribute value.</summary>
internal static class BlankValues
{
    /// <summary>Throws, naming the file, the column and the first data row, when <paramref name="column"/> has a blank value.</summary>
    /// <param name="table">The file the column came from.</param>
    /// <param name="column">The column.</param>
    /// <param name="what">What a value of the column is ("group", "cohort", "attribute").</param>
    public static void Refuse(CsvTable table, CategoricalColumn column, string what)
    {
        if (column.TryGetCode("", out var blank))
        {
            throw new ArgumentException($"{table.FileName}: column '{column.Name}', data row {column.Codes.IndexOf(blank) + 1}: the {what} value is blank.");
        }
    }
}
