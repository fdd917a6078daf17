using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CohortKit.Regions.Policy;

namespace CohortKit.Regions.Audit;

/// <summary>The line format and hash of the audit log: one JSON object per line with exactly the fields of <see cref="Line"/>
/// in a fixed order, no whitespace, ended by <c>\n</c>; the hash is SHA-256 of the UTF-8 bytes of
/// <c>previousHash + "\n" + the line with "hash":null</c>. A line must be byte-for-byte this canonical form, so any change
/// to its bytes — an added or deleted field, whitespace, field order, escaping — is detected.</summary>
internal static class AuditChain
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The JSON names of the fields of <see cref="Line"/>, in order.</summary>
    public static readonly IReadOnlyList<string> FieldNames = ["seq", "time", "action", "dataClass", "source", "target", "subject", "detail", "prev", "hash"];

    /// <summary>The fields in hashing order; the hash is added as the last field of the line.</summary>
    internal sealed record Line(long Seq, string Time, AuditAction Action, DataClass? DataClass, string? Source, string? Target, string? Subject, string? Detail, string Prev, string? Hash);

    public static AuditEntry Seal(long sequence, DateTimeOffset time, AuditRecord record, string previousHash)
    {
        var content = Content(sequence, time, record, previousHash);
        return new AuditEntry { Sequence = sequence, Timestamp = time, Record = record, PreviousHash = previousHash, Hash = HashOf(previousHash, content) };
    }

    public static string ToLine(AuditEntry e) => JsonSerializer.Serialize(ToLineRecord(e.Sequence, e.Timestamp, e.Record, e.PreviousHash, e.Hash), Options);

    public static Line? Parse(string text) => JsonSerializer.Deserialize<Line>(text, Options);

    /// <summary>Parses a line strictly: a JSON object with exactly the known fields, each once, whose bytes are the canonical
    /// serialisation of those fields.</summary>
    /// <param name="text">The line without its <c>\n</c>.</param>
    /// <param name="problem">What is wrong when the result is null.</param>
    /// <returns>The line, or null when it is not a canonical audit entry.</returns>
    public static Line? ParseCanonical(string text, out string? problem)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problem = "is not a JSON object";
                return null;
            }

            var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();
            if (names.FirstOrDefault(n => !FieldNames.Contains(n, StringComparer.Ordinal)) is { } unknown)
            {
                problem = $"has an unknown field '{unknown}' (an audit entry has exactly {string.Join(", ", FieldNames)})";
                return null;
            }

            if (names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                problem = $"has the field '{twice.Key}' more than once";
                return null;
            }

            if (FieldNames.FirstOrDefault(n => !names.Contains(n, StringComparer.Ordinal)) is { } missing)
            {
                problem = $"lacks the field '{missing}' (a null field is written as null, never left out)";
                return null;
            }

            var line = document.RootElement.Deserialize<Line>(Options);
            if (line is null || line.Hash is null || line.Prev is null || line.Time is null)
            {
                problem = "has a null seq, time, prev or hash";
                return null;
            }

            if (!string.Equals(JsonSerializer.Serialize(line, Options), text, StringComparison.Ordinal))
            {
                problem = "is not in the canonical form of its fields (its bytes were changed: whitespace, field order, escaping or a value's spelling)";
                return null;
            }

            problem = null;
            return line;
        }
        catch (JsonException ex)
        {
            problem = $"is not an audit entry ({ex.Message})";
            return null;
        }
    }

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
