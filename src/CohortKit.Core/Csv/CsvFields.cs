using System.Buffers.Text;
using System.Globalization;
using System.Text;
using CohortKit.Errors;

namespace CohortKit.Csv;

/// <summary>Header lookup and culture-invariant field parsers that report file, line, column and value on failure.</summary>
internal static class CsvFields
{
    /// <summary>Reads the header and returns the index of each required column, in the order asked.</summary>
    public static int[] RequireHeader(CsvRecordReader reader, params string[] required)
    {
        if (!reader.Read())
        {
            throw new CsvFormatException(reader.FileName, 1, null, null, $"The file is empty; expected a header with columns {string.Join(", ", required)}.");
        }

        var names = Header(reader);
        var result = new int[required.Length];
        for (var i = 0; i < required.Length; i++)
        {
            result[i] = names.FindIndex(n => string.Equals(n, required[i], StringComparison.OrdinalIgnoreCase));
            if (result[i] < 0)
            {
                throw new CsvFormatException(reader.FileName, 1, required[i], null,
                    $"Required column '{required[i]}' is missing; the header has {string.Join(", ", names)}.");
            }
        }

        return result;
    }

    public static List<string> Header(CsvRecordReader reader)
    {
        var names = new List<string>(reader.FieldCount);
        for (var f = 0; f < reader.FieldCount; f++)
        {
            var name = reader.GetString(f).Trim();
            if (name.Length == 0)
            {
                throw new CsvFormatException(reader.FileName, reader.Line, null, null,
                    $"Column {f + 1} of the header has no name{(f == reader.FieldCount - 1 ? " (a trailing comma?)" : "")}; every column needs one.");
            }

            if (names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new CsvFormatException(reader.FileName, 1, name, null, "The column appears twice in the header.");
            }

            names.Add(name);
        }

        reader.ColumnNames = names;
        return names;
    }

    public static void RequireFieldCount(CsvRecordReader reader, int expected)
    {
        if (reader.FieldCount != expected)
        {
            throw new CsvFormatException(reader.FileName, reader.Line, null, null, $"The line has {reader.FieldCount} fields; the header has {expected}.");
        }
    }

    public static long ParseInt64(CsvRecordReader reader, int field, string column)
    {
        var text = reader[field];
        if (Utf8Parser.TryParse(text, out long value, out var consumed) && consumed == text.Length)
        {
            return value;
        }

        throw Bad(reader, field, column, "It is not an integer.");
    }

    public static double ParseDouble(CsvRecordReader reader, int field, string column)
    {
        var text = reader[field];
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        throw Bad(reader, field, column, "It is not a finite number (invariant culture, '.' as decimal separator).");
    }

    public static DateOnly ParseDate(CsvRecordReader reader, int field, string column)
    {
        var text = reader[field];
        Span<char> chars = stackalloc char[Math.Min(text.Length, 64)];
        if (text.Length <= 64)
        {
            var n = Encoding.UTF8.GetChars(text, chars);
            if (DateOnly.TryParseExact(chars[..n], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                return d;
            }
        }

        throw Bad(reader, field, column, "It is not a date in the form yyyy-MM-dd.");
    }

    /// <summary>Parses an ISO 8601 timestamp to UTC ticks, exactly in the forms <see cref="IsoTimestamp"/> lists.</summary>
    public static long ParseTimestamp(CsvRecordReader reader, int field, string column)
    {
        return IsoTimestamp.TryParse(reader[field], out var ticks, out var outOfRange) switch
        {
            IsoTimestamp.Status.Ok => ticks,
            IsoTimestamp.Status.OutOfRange => throw Bad(reader, field, column, $"It has the ISO 8601 form but is out of range: {outOfRange}."),
            _ => throw Bad(reader, field, column, $"It is not an ISO 8601 timestamp of the accepted form {IsoTimestamp.Forms}."),
        };
    }

    public static CsvFormatException Bad(CsvRecordReader reader, int field, string column, string problem)
        => new(reader.FileName, reader.Line, column, reader.GetString(field), problem);
}
