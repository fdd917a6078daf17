using System.Text;

namespace CohortKit.Regions.Audit;

/// <summary>An append-only, hash-chained audit log: each entry carries the hash of the previous one, so a changed, inserted or
/// deleted entry breaks the chain (<see cref="AuditVerifier"/>). Kept in memory, or in a JSON-lines file that it appends to
/// (an existing file is continued from its last entry).</summary>
/// <remarks>Thread-safe: appends are serialised. Records hold pseudonymous tokens, region names and counts only; the log
/// never sees a learner id. Deleting the newest entries leaves a valid shorter chain: compare <see cref="HeadHash"/> with a
/// copy kept elsewhere to detect that.</remarks>
public sealed class AuditLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly StreamWriter? _writer;
    private readonly List<AuditEntry>? _memory;

    private AuditLog(TimeProvider? time, StreamWriter? writer, List<AuditEntry>? memory, long count, string head)
    {
        _time = time ?? TimeProvider.System;
        _writer = writer;
        _memory = memory;
        Count = count;
        HeadHash = head;
    }

    /// <summary>Gets the number of entries.</summary>
    public long Count { get; private set; }

    /// <summary>Gets the hash of the newest entry (the genesis hash, 64 zeros, when empty).</summary>
    public string HeadHash { get; private set; }

    /// <summary>Creates a log held in memory.</summary>
    /// <param name="time">The clock for timestamps; the system clock when null.</param>
    /// <returns>The log.</returns>
    public static AuditLog InMemory(TimeProvider? time = null) => new(time, null, [], 0, AuditChain.GenesisHash);

    /// <summary>Opens (or creates) a JSON-lines log file and continues its chain.</summary>
    /// <param name="path">The file, e.g. <c>DIR/audit.jsonl</c>.</param>
    /// <param name="time">The clock for timestamps; the system clock when null.</param>
    /// <returns>The log.</returns>
    /// <exception cref="InvalidDataException">The file's last line is not an audit entry.</exception>
    public static AuditLog Open(string path, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        long count = 0;
        var head = AuditChain.GenesisHash;
        if (File.Exists(path))
        {
            var last = File.ReadLines(path).LastOrDefault(l => l.Length > 0);
            if (last is not null)
            {
                var line = AuditChain.Parse(last) ?? throw new InvalidDataException($"{path}: the last line is not an audit entry.");
                (count, head) = (line.Seq, line.Hash ?? "");
            }
        }

        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        return new AuditLog(time, new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" }, null, count, head);
    }

    /// <summary>Appends one entry.</summary>
    /// <param name="record">What to record.</param>
    /// <returns>The sealed entry.</returns>
    public AuditEntry Append(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            var entry = AuditChain.Seal(Count + 1, _time.GetUtcNow(), record, HeadHash);
            if (_writer is not null)
            {
                _writer.WriteLine(AuditChain.ToLine(entry));
            }
            else
            {
                _memory!.Add(entry);
            }

            Count = entry.Sequence;
            HeadHash = entry.Hash;
            return entry;
        }
    }

    /// <summary>The entries of an in-memory log, oldest first (a file log is read with <see cref="AuditVerifier.ReadFile"/>).</summary>
    /// <returns>A copy of the entries.</returns>
    /// <exception cref="InvalidOperationException">The log is kept in a file.</exception>
    public IReadOnlyList<AuditEntry> Snapshot()
    {
        lock (_gate)
        {
            return _memory is not null ? [.. _memory] : throw new InvalidOperationException("This log is kept in a file: read it with AuditVerifier.ReadFile.");
        }
    }

    /// <summary>Closes the file, if any.</summary>
    public void Dispose() => _writer?.Dispose();
}
