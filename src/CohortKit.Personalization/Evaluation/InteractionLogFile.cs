using System.Globalization;
using System.Text;
using System.Text.Json;
using CohortKit.Errors;
using CohortKit.Tables;

namespace CohortKit.Personalization.Evaluation;

/// <summary>Reads and writes <see cref="InteractionLog"/> files. Schema (CSV header or JSON-lines keys, the same names):
/// <c>event_id</c> (string, unique), <c>timestamp</c> (optional, ISO 8601), <c>action</c> (string label),
/// <c>propensity</c> (number in (0, 1]), <c>reward</c> (finite number), and one <c>x_*</c> column per context feature (finite numbers).</summary>
/// <remarks>Stateless and thread-safe. Numbers are written in invariant culture with round-trip precision.</remarks>
public static class InteractionLogFile
{
    /// <summary>The prefix of context-feature columns.</summary>
    public const string FeaturePrefix = "x_";

    private const string EventId = "event_id";
    private const string Timestamp = "timestamp";
    private const string Action = "action";
    private const string Propensity = "propensity";
    private const string Reward = "reward";

    /// <summary>Reads a CSV log.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The log.</returns>
    /// <exception cref="CsvFormatException">A required column is missing, or a value is not a finite number or a timestamp.</exception>
    /// <exception cref="ArgumentException">A propensity is outside (0, 1] or an event id repeats (the message names the field and event).</exception>
    public static InteractionLog ReadCsv(string path)
    {
        var table = CsvTable.Load(path);
        var names = table.ColumnNames.Where(c => c.StartsWith(FeaturePrefix, StringComparison.OrdinalIgnoreCase)).ToList();
        var n = table.RowCount;
        var features = new double[n * names.Count];
        for (var f = 0; f < names.Count; f++)
        {
            var column = table.Numeric(names[f]);
            for (var i = 0; i < n; i++) { features[(i * names.Count) + f] = column[i]; }
        }

        DateTimeOffset[]? timestamps = null;
        if (table.HasColumn(Timestamp))
        {
            var cells = Strings(table, Timestamp);
            timestamps = new DateTimeOffset[n];
            for (var i = 0; i < n; i++)
            {
                timestamps[i] = ParseTimestamp(cells[i]) ?? throw new CsvFormatException(table.FileName, i + 2, Timestamp, cells[i], "It is not an ISO 8601 timestamp.");
            }
        }

        return new InteractionLog(Strings(table, EventId), Strings(table, Action), table.Numeric(Propensity), table.Numeric(Reward), names, features, timestamps);
    }

    /// <summary>Writes a CSV log (overwritten).</summary>
    /// <param name="path">The file.</param>
    /// <param name="log">The log.</param>
    public static void WriteCsv(string path, InteractionLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var n = log.Count;
        var columns = new List<CsvColumn> { CsvColumn.Of(EventId, log.EventIds) };
        if (log.Timestamps is { } t) { columns.Add(CsvColumn.Of(Timestamp, t.Select(x => x.ToString("O", CultureInfo.InvariantCulture)).ToList())); }
        var codes = log.ActionCodes.ToArray();
        columns.Add(CsvColumn.Of(Action, codes.Select(c => log.Actions[c]).ToList()));
        columns.Add(CsvColumn.Of(Propensity, log.Propensities.ToArray()));
        columns.Add(CsvColumn.Of(Reward, log.Rewards.ToArray()));
        for (var f = 0; f < log.FeatureNames.Count; f++)
        {
            var values = new double[n];
            for (var i = 0; i < n; i++) { values[i] = log.Context(i)[f]; }
            columns.Add(CsvColumn.Of(log.FeatureNames[f], values));
        }

        CsvTable.Save(path, columns);
    }

    /// <summary>Writes a JSON-lines log (overwritten): one object per line with the CSV's keys.</summary>
    /// <param name="path">The file.</param>
    /// <param name="log">The log.</param>
    public static void WriteJsonLines(string path, InteractionLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        using var stream = File.Create(path);
        for (var i = 0; i < log.Count; i++)
        {
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                json.WriteString(EventId, log.EventIds[i]);
                if (log.Timestamps is { } t) { json.WriteString(Timestamp, t[i]); }
                json.WriteString(Action, log.Actions[log.ActionCodes[i]]);
                json.WriteNumber(Propensity, log.Propensities[i]);
                json.WriteNumber(Reward, log.Rewards[i]);
                for (var f = 0; f < log.FeatureNames.Count; f++) { json.WriteNumber(log.FeatureNames[f], log.Context(i)[f]); }
                json.WriteEndObject();
            }

            stream.WriteByte((byte)'\n');
        }
    }

    /// <summary>Reads a JSON-lines log: one object per non-blank line; the first line's <c>x_*</c> keys are the features.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The log.</returns>
    /// <exception cref="InvalidDataException">A line is not a JSON object, or a key is missing or of the wrong type (the message
    /// names the file, line and key).</exception>
    /// <exception cref="ArgumentException">A propensity is outside (0, 1] or an event id repeats.</exception>
    public static InteractionLog ReadJsonLines(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var name = Path.GetFileName(path);
        List<string>? names = null;
        var ids = new List<string>();
        var actions = new List<string>();
        var propensities = new List<double>();
        var rewards = new List<double>();
        var features = new List<double>();
        var timestamps = new List<DateTimeOffset>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) { continue; }
            JsonDocument document;
            try { document = JsonDocument.Parse(line); }
            catch (JsonException ex) { throw new InvalidDataException($"{name}:{lineNumber}: not a JSON object ({ex.Message}).", ex); }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object) { throw new InvalidDataException($"{name}:{lineNumber}: not a JSON object."); }
                names ??= [.. root.EnumerateObject().Select(p => p.Name).Where(p => p.StartsWith(FeaturePrefix, StringComparison.OrdinalIgnoreCase))];
                ids.Add(Text(root, EventId, name, lineNumber));
                actions.Add(Text(root, Action, name, lineNumber));
                propensities.Add(Number(root, Propensity, name, lineNumber));
                rewards.Add(Number(root, Reward, name, lineNumber));
                foreach (var f in names) { features.Add(Number(root, f, name, lineNumber)); }
                if (root.TryGetProperty(Timestamp, out var t))
                {
                    timestamps.Add(ParseTimestamp(t.ValueKind == JsonValueKind.String ? t.GetString() : null)
                        ?? throw new InvalidDataException($"{name}:{lineNumber}: {Timestamp} is not an ISO 8601 timestamp."));
                }
            }
        }

        if (timestamps.Count != 0 && timestamps.Count != ids.Count) { throw new InvalidDataException($"{name}: {Timestamp} is on some lines but not on all."); }
        return new InteractionLog(ids, actions, [.. propensities], [.. rewards], names ?? [], [.. features], timestamps.Count == 0 ? null : timestamps);
    }

    private static string[] Strings(CsvTable table, string column)
    {
        var codes = table.Categorical(column);
        var result = new string[table.RowCount];
        for (var i = 0; i < result.Length; i++) { result[i] = codes[i]; }
        return result;
    }

    private static DateTimeOffset? ParseTimestamp(string? text)
        => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value : null;

    private static string Text(JsonElement root, string key, string file, int line)
        => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { } s
            ? s
            : throw new InvalidDataException($"{file}:{line}: {key} is missing or not a string.");

    private static double Number(JsonElement root, string key, string file, int line)
        => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d)
            ? d
            : throw new InvalidDataException($"{file}:{line}: {key} is missing or not a number.");
}
