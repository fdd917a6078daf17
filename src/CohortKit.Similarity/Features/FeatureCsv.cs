using CohortKit.Errors;
using CohortKit.Features;
using CohortKit.Learners;
using CohortKit.Tables;

namespace CohortKit.Similarity.Features;

/// <summary>Feature files: a CSV with a header whose first column is the learner id and every other column a numeric feature.</summary>
public static class FeatureCsv
{
    /// <summary>Loads a features file.</summary>
    /// <param name="path">The CSV file.</param>
    /// <returns>The learners (in file order) and their features (column names from the header).</returns>
    /// <exception cref="CsvFormatException">Fewer than two columns, an id that is not an integer or repeats, or a feature that is not a finite number or lies outside the float range.</exception>
    public static (LearnerId[] Ids, FeatureMatrix Features) Load(string path)
    {
        var table = CsvTable.Load(path);
        if (table.ColumnNames.Count < 2)
        {
            throw new CsvFormatException(table.FileName, 1, null, null, "A features file needs a learner id column and at least one feature column.");
        }

        var idColumn = table.ColumnNames[0];
        var ids = table.Integers(idColumn);
        var seen = new HashSet<long>();
        for (var i = 0; i < ids.Length; i++)
        {
            if (!seen.Add(ids[i]))
            {
                throw new CsvFormatException(table.FileName, i + 2, idColumn, ids[i].ToString(System.Globalization.CultureInfo.InvariantCulture), "Duplicate learner id.");
            }
        }

        var names = table.ColumnNames.Skip(1).ToArray();
        var matrix = new FeatureMatrix(ids.Length, names.Length, names);
        for (var j = 0; j < names.Length; j++)
        {
            var column = table.Numeric(names[j]);
            for (var r = 0; r < ids.Length; r++)
            {
                var value = (float)column[r];
                if (!float.IsFinite(value))
                {
                    throw new CsvFormatException(table.FileName, r + 2, names[j], column[r].ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                        $"The value is outside the float range (±{float.MaxValue:G3}) that features are stored in.");
                }

                matrix[r, j] = value;
            }
        }

        return (ids.Select(v => new LearnerId(v)).ToArray(), matrix);
    }

    /// <summary>Saves features with the learner id first.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="ids">One id per row.</param>
    /// <param name="features">The features.</param>
    /// <exception cref="ArgumentException">The ids do not match the rows.</exception>
    public static void Save(string path, IReadOnlyList<LearnerId> ids, FeatureMatrix features)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(features);
        if (ids.Count != features.Rows)
        {
            throw new ArgumentException($"There are {ids.Count} ids for {features.Rows} rows.", nameof(ids));
        }

        var columns = new List<CsvColumn> { CsvColumn.Of("learner_id", ids.Select(i => i.Value).ToArray()) };
        for (var j = 0; j < features.Dimensions; j++)
        {
            var values = new float[features.Rows];
            for (var r = 0; r < features.Rows; r++) { values[r] = features[r, j]; }
            columns.Add(CsvColumn.Of(features.FeatureNames[j], values));
        }

        CsvTable.Save(path, columns);
    }
}
