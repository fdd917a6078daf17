using System.Text;
using CohortKit.Diagnostics;
using CohortKit.Errors;
using CohortKit.Learners;

namespace CohortKit.Csv;

/// <summary>
/// Loads and saves <see cref="LearnerAttributes"/> as CSV. Columns: <c>learner_id</c> (integer, unique),
/// <c>signup_date</c> (<c>yyyy-MM-dd</c>), then any number of categorical attribute columns, each kept under its header name.
/// UTF-8, comma-separated, a header line, optional RFC 4180 quoting; column names are matched ignoring case.
/// </summary>
public static class LearnerCsv
{
    /// <summary>The identifier column.</summary>
    public const string IdColumn = "learner_id";

    /// <summary>The signup date column.</summary>
    public const string SignupDateColumn = "signup_date";

    /// <summary>Loads learners from a file, all or nothing.</summary>
    /// <param name="path">The CSV file.</param>
    /// <returns>The learners, in file order.</returns>
    /// <exception cref="CsvFormatException">A required column is missing, a line has the wrong number of fields, an id or date
    /// does not parse, or an id repeats; the message names file, line, column and value.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static LearnerAttributes Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var activity = CoreTelemetry.ActivitySource.StartActivity("LearnerCsv.Load");
        using var reader = CsvRecordReader.Open(path);
        var required = CsvFields.RequireHeader(reader, IdColumn, SignupDateColumn);
        var header = CsvFields.Header(reader);
        int idField = required[0], dateField = required[1];
        var attributeFields = Enumerable.Range(0, header.Count).Where(f => f != idField && f != dateField).ToArray();
        var encoders = attributeFields.Select(_ => new CategoricalEncoder()).ToArray();
        var codes = attributeFields.Select(_ => new List<int>()).ToArray();
        var ids = new List<LearnerId>();
        var dates = new List<DateOnly>();
        var firstLine = new Dictionary<long, long>();
        Span<char> chars = stackalloc char[256];
        while (reader.Read())
        {
            CsvFields.RequireFieldCount(reader, header.Count);
            var id = CsvFields.ParseInt64(reader, idField, IdColumn);
            if (!firstLine.TryAdd(id, reader.Line))
            {
                throw CsvFields.Bad(reader, idField, IdColumn, $"Duplicate learner id (first seen on line {firstLine[id]}).");
            }

            ids.Add(new LearnerId(id));
            dates.Add(CsvFields.ParseDate(reader, dateField, SignupDateColumn));
            for (var a = 0; a < attributeFields.Length; a++)
            {
                var bytes = reader[attributeFields[a]];
                int code;
                if (bytes.Length <= chars.Length)
                {
                    var n = Encoding.UTF8.GetChars(bytes, chars);
                    code = encoders[a].Encode(chars[..n]);
                }
                else
                {
                    code = encoders[a].Encode(Encoding.UTF8.GetString(bytes));
                }

                codes[a].Add(code);
            }
        }

        var columns = attributeFields.Select((f, a) => new CategoricalColumn(header[f], encoders[a].Categories.ToArray(), codes[a].ToArray()));
        CoreTelemetry.RowsRead.Add(ids.Count);
        return new LearnerAttributes(ids.ToArray(), dates.ToArray(), columns);
    }

    /// <summary>Saves learners to a file (overwritten), in row order, with the columns described on <see cref="LearnerCsv"/>.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="learners">The learners.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, LearnerAttributes learners)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(learners);
        using var activity = CoreTelemetry.ActivitySource.StartActivity("LearnerCsv.Save");
        using var writer = CsvWriter.Create(path);
        writer.WriteField(IdColumn);
        writer.WriteField(SignupDateColumn);
        foreach (var c in learners.Columns)
        {
            writer.WriteField(c.Name);
        }

        writer.EndRecord();
        for (var i = 0; i < learners.Count; i++)
        {
            writer.WriteField(learners.Ids[i].Value);
            writer.WriteField(learners.SignupDates[i], "yyyy-MM-dd");
            foreach (var c in learners.Columns)
            {
                writer.WriteField(c[i]);
            }

            writer.EndRecord();
        }

        CoreTelemetry.RowsWritten.Add(learners.Count);
    }
}
