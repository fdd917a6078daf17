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
    /// <returns>Intact, or the first bad line and what is wrong with it (unparseable, changed content, a broken link to the
    /// previous entry, or a gap in the sequence — a deleted entry).</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static AuditVerification VerifyFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) { throw new FileNotFoundException($"The audit log {path} does not exist.", path); }
        var previous = AuditChain.GenesisHash;
        long expected = 1, lineNumber = 0;
        foreach (var text in File.ReadLines(path))
        {
            lineNumber++;
            AuditChain.Line? line;
            try
            {
                line = AuditChain.Parse(text);
            }
            catch (JsonException ex)
            {
                return Bad(lineNumber, $"line {lineNumber} is not an audit entry ({ex.Message}).");
            }

            if (line is null || line.Hash is null) { return Bad(lineNumber, $"line {lineNumber} is not an audit entry."); }
            if (line.Seq != expected) { return Bad(lineNumber, $"entry {line.Seq} at line {lineNumber}: expected sequence {expected} (an entry was deleted or inserted)."); }
            if (line.Prev != previous) { return Bad(lineNumber, $"entry {line.Seq} at line {lineNumber}: its previous-hash does not match entry {line.Seq - 1} (an entry was changed, deleted or reordered)."); }
            if (AuditChain.ExpectedHash(line) != line.Hash) { return Bad(lineNumber, $"entry {line.Seq} at line {lineNumber}: its content does not match its hash (the entry was changed)."); }
            previous = line.Hash;
            expected++;
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

    private static AuditVerification Bad(long line, string problem) => new() { Intact = false, Entries = line, FirstBadLine = line, Problem = problem };
}
