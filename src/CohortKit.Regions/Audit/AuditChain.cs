using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CohortKit.Regions.Policy;

namespace CohortKit.Regions.Audit;

/// <summary>The line format and hash of the audit log: one JSON object per line with a fixed field order; the hash is
/// SHA-256 of the UTF-8 bytes of <c>previousHash + "\n" + the line without its hash field</c>.</summary>
internal static class AuditChain
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The fields in hashing order; the hash is added as the last field of the line.</summary>
    internal sealed record Line(long Seq, string Time, AuditAction Action, DataClass? DataClass, string? Source, string? Target, string? Subject, string? Detail, string Prev, string? Hash);

    public static AuditEntry Seal(long sequence, DateTimeOffset time, AuditRecord record, string previousHash)
    {
        var content = Content(sequence, time, record, previousHash);
        return new AuditEntry { Sequence = sequence, Timestamp = time, Record = record, PreviousHash = previousHash, Hash = HashOf(previousHash, content) };
    }

    public static string ToLine(AuditEntry e) => JsonSerializer.Serialize(ToLineRecord(e.Sequence, e.Timestamp, e.Record, e.PreviousHash, e.Hash), Options);

    public static Line? Parse(string text) => JsonSerializer.Deserialize<Line>(text, Options);

    /// <summary>The hash a parsed line should carry, from its own fields.</summary>
    public static string ExpectedHash(Line line) => HashOf(line.Prev, JsonSerializer.Serialize(line with { Hash = null }, Options));

    public static AuditEntry ToEntry(Line line) => new()
    {
        Sequence = line.Seq,
        Timestamp = DateTimeOffset.Parse(line.Time, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        Record = new AuditRecord { Action = line.Action, DataClass = line.DataClass, SourceRegion = line.Source, TargetRegion = line.Target, Subject = line.Subject, Detail = line.Detail },
        PreviousHash = line.Prev,
        Hash = line.Hash ?? "",
    };

    private static string Content(long sequence, DateTimeOffset time, AuditRecord r, string previousHash)
        => JsonSerializer.Serialize(ToLineRecord(sequence, time, r, previousHash, null), Options);

    private static Line ToLineRecord(long sequence, DateTimeOffset time, AuditRecord r, string previousHash, string? hash)
        => new(sequence, time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), r.Action, r.DataClass, r.SourceRegion, r.TargetRegion, r.Subject, r.Detail, previousHash, hash);

    private static string HashOf(string previousHash, string content)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previousHash + "\n" + content)));
}
