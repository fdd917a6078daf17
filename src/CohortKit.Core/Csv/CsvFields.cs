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
            if (names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new CsvFormatException(reader.FileName, 1, name, null, "The column appears twice in the header.");
            }

            names.Add(name);
        }

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

    /// <summary>Parses an ISO 8601 timestamp to UTC ticks. Fast path for <c>yyyy-MM-ddTHH:mm:ssZ</c>; other ISO forms
    /// (fractions, offsets) are accepted and converted to UTC; a timestamp without zone is taken as UTC.</summary>
    public static long ParseTimestamp(CsvRecordReader reader, int field, string column)
    {
        var t = reader[field];
        if (t.Length == 20 && t[4] == '-' && t[7] == '-' && (t[10] == 'T' || t[10] == ' ') && t[13] == ':' && t[16] == ':' && t[19] == 'Z'
            && TryDigits(t, 0, 4, out var y) && TryDigits(t, 5, 2, out var mo) && TryDigits(t, 8, 2, out var d)
            && TryDigits(t, 11, 2, out var h) && TryDigits(t, 14, 2, out var mi) && TryDigits(t, 17, 2, out var s)
            && y >= 1 && mo is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, mo) && h < 24 && mi < 60 && s < 60)
        {
            return new DateTime(y, mo, d, h, mi, s, DateTimeKind.Utc).Ticks;
        }

        Span<char> chars = stackalloc char[64];
        if (t.Length <= 64)
        {
            var n = Encoding.UTF8.GetChars(t, chars);
            if (DateTimeOffset.TryParse(chars[..n], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var dto))
            {
                return dto.UtcTicks;
            }
        }

        throw Bad(reader, field, column, "It is not an ISO 8601 timestamp such as 2026-01-31T08:15:00Z.");
    }

    private static bool TryDigits(ReadOnlySpan<byte> t, int at, int count, out int value)
    {
        value = 0;
        for (var i = at; i < at + count; i++)
        {
            var c = t[i] - (byte)'0';
            if ((uint)c > 9)
            {
                return false;
            }

            value = value * 10 + c;
        }

        return true;
    }

    public static CsvFormatException Bad(CsvRecordReader reader, int field, string column, string problem)
        => new(reader.FileName, reader.Line, column, reader.GetString(field), problem);
}
