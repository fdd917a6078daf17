using System.Text;
using System.Text.Json;

namespace CohortKit.Regions.Audit;

/// <summary>The result of verifying an audit chain.</summary>
public sealed record AuditVerification
{
    /// <summary>Gets whether every entry is intact and chained to the one before.</summary>
    public required bool Intact { get; init; }

    /// <summary>Gets the number of entries read (up to and including the first bad one).</summary>
    public required long Entries { get; init; }

    /// <summary>Gets the 1-based line of the first bad entry, or null when intact.</summary>
    public long? FirstBadLine { get; init; }

    /// <summary>Gets what is wrong with the first bad entry, or null when intact.</summary>
    public string? Problem { get; init; }

    /// <summary>Gets the hash of the last entry when intact (compare it with a copy kept elsewhere to detect a cut tail).</summary>
    public string? HeadHash { get; init; }
}

/// <summary>Verifies the hash chain of an audit log and names the first bad entry.</summary>
/// <remarks>Stateless; safe to share between threads.</remarks>
public static class AuditVerifier
{
    /// <summary>Verifies a JSON-lines audit file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Intact, or the first bad line and what is wrong with it: not the canonical serialisation of exactly the known
    /// fields (an added, deleted or duplicated field, or any other change of its bytes), a missing line end, a gap in the
    /// sequence (a deleted entry), a broken link to the previous entry, or content that does not match its hash.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static AuditVerification VerifyFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) { throw new FileNotFoundException($"The audit log {path} does not exist.", path); }
        var previous = AuditChain.GenesisHash;
        long expected = 1, lineNumber = 0;
        try
        {
            foreach (var (text, ended) in Lines(path))
            {
                lineNumber++;
                var line = AuditChain.ParseCanonical(text, out var problem);
                if (line is null) { return Bad(lineNumber, $"line {lineNumber} {problem}."); }
                if (!ended) { return Bad(lineNumber, $"entry {line.Seq} at line {lineNumber}: the line has no line end (the file was cut or edited after it)."); }
                if (line.Seq != expected) { return Bad(lineNumber, $"line {lineNumber}: the entry's seq is {line.Seq} where {expected} was expected (an entry before it was deleted or inserted, or its seq was edited)."); }
                if (line.Prev != previous) { return Bad(lineNumber, $"entry {line.Seq} at line {lineNumber}: its previous-hash does not match entry {line.Seq - 1} (an entry was changed, deleted or reordered)."); }
                if (AuditChain.ExpectedHash(line) != line.Hash) { return Bad(lineNumber, $"entry {line.Seq} at line {lineNumber}: its content does not match its hash (the entry was changed)."); }
                previous = line.Hash;
                expected++;
            }
        }
        catch (DecoderFallbackException)
        {
            return Bad(lineNumber + 1, $"line {lineNumber + 1} is not valid UTF-8.");
        }

        return new AuditVerification { Intact = true, Entries = lineNumber, HeadHash = previous };
    }

    /// <summary>Reads the entries of a JSON-lines audit file without verifying them.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The entries, oldest first.</returns>
    /// <exception cref="InvalidDataException">A line is not an audit entry.</exception>
    public static IReadOnlyList<AuditEntry> ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var entries = new List<AuditEntry>();
        foreach (var text in File.ReadLines(path).Where(t => t.Length > 0))
        {
            AuditChain.Line? line;
            try { line = AuditChain.Parse(text); }
            catch (JsonException ex) { throw new InvalidDataException($"{path}: line {entries.Count + 1} is not an audit entry ({ex.Message}).", ex); }
            entries.Add(AuditChain.ToEntry(line ?? throw new InvalidDataException($"{path}: line {entries.Count + 1} is null.")));
        }

        return entries;
    }

    /// <summary>The lines of a file split on <c>\n</c> only (a <c>\r</c> or a byte-order mark stays in the text, so it is seen
    /// as a change), strict UTF-8; whether each line was ended by <c>\n</c>. The empty remainder after the last <c>\n</c> is
    /// not a line.</summary>
    private static IEnumerable<(string Text, bool Ended)> Lines(string path)
    {
        using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false);
        var current = new StringBuilder();
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (c == '\n')
            {
                yield return (current.ToString(), true);
                current.Clear();
            }
            else
            {
                current.Append((char)c);
            }
        }

        if (current.Length > 0) { yield return (current.ToString(), false); }
    }

    private static AuditVerification Bad(long line, string problem) => new() { Intact = false, Entries = line, FirstBadLine = line, Problem = problem };
}
