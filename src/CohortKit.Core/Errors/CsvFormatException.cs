namespace CohortKit.Errors;

/// <summary>Thrown when a CSV input cannot be loaded: it names the file, the 1-based line, the column and the offending value.</summary>
/// <remarks>Loading is all-or-nothing: when this is thrown, nothing from the file has been returned.</remarks>
public sealed class CsvFormatException : CohortKitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="fileName">The file being read.</param>
    /// <param name="line">The 1-based line number (the header is line 1).</param>
    /// <param name="column">The column name, or <see langword="null"/> when the problem is the whole line.</param>
    /// <param name="value">The offending text, or <see langword="null"/>; the message quotes at most
    /// <see cref="MaxValueLengthInMessage"/> characters of it.</param>
    /// <param name="problem">What is wrong with it.</param>
    public CsvFormatException(string fileName, long line, string? column, string? value, string problem)
        : base(Format(fileName, line, column, value, problem))
    {
        FileName = fileName;
        Line = line;
        Column = column;
        Value = value;
        Problem = problem;
    }

    /// <summary>Gets the file being read.</summary>
    public string FileName { get; }

    /// <summary>Gets the 1-based line number (the header is line 1).</summary>
    public long Line { get; }

    /// <summary>Gets the column name, or <see langword="null"/> when the problem concerns the whole line or header.</summary>
    public string? Column { get; }

    /// <summary>Gets the offending text, or <see langword="null"/>.</summary>
    public string? Value { get; }

    /// <summary>Gets what is wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>The longest value quoted whole in <see cref="Exception.Message"/>; longer values are cut there (not in <see cref="Value"/>).</summary>
    public const int MaxValueLengthInMessage = 100;

    private static string Format(string fileName, long line, string? column, string? value, string problem)
    {
        var where = column is null ? $"{fileName} line {line}" : $"{fileName} line {line}, column '{column}'";
        if (value is null)
        {
            return $"{where}: {problem}";
        }

        var shown = value.Length <= MaxValueLengthInMessage
            ? value
            : $"{value[..MaxValueLengthInMessage]}…' ({value.Length:N0} characters";
        shown = shown.ReplaceLineEndings("⏎");
        return value.Length <= MaxValueLengthInMessage ? $"{where}, value '{shown}': {problem}" : $"{where}, value '{shown}): {problem}";
    }
}
