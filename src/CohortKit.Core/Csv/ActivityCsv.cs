using System.Globalization;
using CohortKit.Events;
using CohortKit.Diagnostics;
using CohortKit.Errors;
using CohortKit.Learners;

namespace CohortKit.Csv;

/// <summary>
/// Loads and saves an <see cref="ActivityLog"/> as CSV with columns <c>learner_id</c> (integer, must be a known learner),
/// <c>timestamp</c> (ISO 8601; <c>yyyy-MM-ddTHH:mm:ssZ</c> is the fast path, other offsets are converted to UTC),
/// <c>kind</c> (<c>session</c>, <c>lesson</c> or <c>assessment</c>, any case) and <c>value</c> (a finite, non-negative
/// number: minutes for a session, lessons completed, or an assessment score 0–100). Extra columns are ignored; rows may come
/// in any order and are grouped by learner and sorted by time on load.
/// </summary>
public static class ActivityCsv
{
    /// <summary>The learner identifier column.</summary>
    public const string IdColumn = "learner_id";

    /// <summary>The timestamp column.</summary>
    public const string TimestampColumn = "timestamp";

    /// <summary>The kind column.</summary>
    public const string KindColumn = "kind";

    /// <summary>The value column.</summary>
    public const string ValueColumn = "value";

    /// <summary>Loads events for known learners, all or nothing.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="learners">The learners the events belong to; rows of the returned log are rows of this table.</param>
    /// <returns>The log, grouped by learner and sorted by time.</returns>
    /// <exception cref="CsvFormatException">A required column is missing, a field does not parse, the learner is unknown,
    /// the kind is not recognised, or a value is negative or out of range; the message names file, line, column and value.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ActivityLog Load(string path, LearnerAttributes learners) => Load(path, learners, rejectEventsBeforeSignup: false);

    /// <summary>Loads events for known learners, all or nothing, optionally refusing an event before its learner's signup day.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="learners">The learners the events belong to; rows of the returned log are rows of this table.</param>
    /// <param name="rejectEventsBeforeSignup">When <see langword="true"/>, an event earlier than its learner's
    /// <see cref="LearnerAttributes.SignupDates">signup day</see> (UTC midnight) is refused with its line, as retention and
    /// survival over signup cohorts require.</param>
    /// <returns>The log, grouped by learner and sorted by time.</returns>
    /// <exception cref="CsvFormatException">As <see cref="Load(string, LearnerAttributes)"/>, and an event before its learner's
    /// signup day when <paramref name="rejectEventsBeforeSignup"/> is set; the message names file, line, column and value.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ActivityLog Load(string path, LearnerAttributes learners, bool rejectEventsBeforeSignup)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(learners);
        using var activity = CoreTelemetry.ActivitySource.StartActivity("ActivityCsv.Load");
        using var reader = CsvRecordReader.Open(path);
        var f = CsvFields.RequireHeader(reader, IdColumn, TimestampColumn, KindColumn, ValueColumn);
        var fieldCount = reader.FieldCount;
        var rows = new GrowableArray<int>();
        var times = new GrowableArray<long>();
        var kinds = new GrowableArray<LearnerEventKind>();
        var values = new GrowableArray<float>();
        int lastRow = -1;
        long lastId = long.MinValue;
        while (reader.Read())
        {
            CsvFields.RequireFieldCount(reader, fieldCount);
            var id = CsvFields.ParseInt64(reader, f[0], IdColumn);
            if (id != lastId)
            {
                if (!learners.TryGetRow(new LearnerId(id), out lastRow))
                {
                    throw CsvFields.Bad(reader, f[0], IdColumn, "No learner has this id.");
                }

                lastId = id;
            }

            var ts = CsvFields.ParseTimestamp(reader, f[1], TimestampColumn);
            if (rejectEventsBeforeSignup && ts < learners.SignupDates[lastRow].DayNumber * TimeSpan.TicksPerDay)
            {
                throw CsvFields.Bad(reader, f[1], TimestampColumn, string.Create(CultureInfo.InvariantCulture,
                    $"The event is before learner {id}'s signup_date {learners.SignupDates[lastRow]:yyyy-MM-dd}."));
            }

            if (!LearnerEventKinds.TryParse(reader[f[2]], out var kind))
            {
                throw CsvFields.Bad(reader, f[2], KindColumn, "The kind must be session, lesson or assessment.");
            }

            var value = CsvFields.ParseDouble(reader, f[3], ValueColumn);
            if (value < 0)
            {
                throw CsvFields.Bad(reader, f[3], ValueColumn, kind == LearnerEventKind.Session
                    ? "A session duration cannot be negative."
                    : $"A {LearnerEventKinds.ToName(kind)} value cannot be negative.");
            }

            if (kind == LearnerEventKind.Assessment && value > 100)
            {
                throw CsvFields.Bad(reader, f[3], ValueColumn, "An assessment score must be within 0–100.");
            }

            if (value > float.MaxValue)
            {
                throw CsvFields.Bad(reader, f[3], ValueColumn, "The value is too large for single precision.");
            }

            rows.Add(lastRow);
            times.Add(ts);
            kinds.Add(kind);
            values.Add((float)value);
        }

        CoreTelemetry.RowsRead.Add(rows.Count);
        return ActivityLog.FromUnsorted(learners.Count, rows.AsSpan(), times.AsSpan(), kinds.AsSpan(), values.AsSpan());
    }

    /// <summary>Saves a log (overwriting the file), learner by learner in time order.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="log">The events.</param>
    /// <param name="learners">The learners whose rows the log refers to (for their ids).</param>
    /// <param name="progress">Optional progress in [0, 1], reported about a hundred times.</param>
    /// <param name="cancellationToken">Checked about a hundred times; the file is then left incomplete (without its last
    /// records and possibly cut inside one), which the loaders refuse.</param>
    /// <exception cref="ArgumentException">The log and the learners disagree on the learner count.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static void Save(string path, ActivityLog log, LearnerAttributes learners, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(learners);
        if (log.LearnerCount != learners.Count)
        {
            throw new ArgumentException($"The log covers {log.LearnerCount} learners but the table has {learners.Count}.", nameof(learners));
        }

        using var activity = CoreTelemetry.ActivitySource.StartActivity("ActivityCsv.Save");
        using var writer = CsvWriter.Create(path);
        writer.WriteField(IdColumn);
        writer.WriteField(TimestampColumn);
        writer.WriteField(KindColumn);
        writer.WriteField(ValueColumn);
        writer.EndRecord();
        var names = new[] { "session", "lesson", "assessment" };
        var step = Math.Max(1, learners.Count / 100);
        for (var l = 0; l < learners.Count; l++)
        {
            var id = learners.Ids[l].Value;
            var events = log.ForLearner(l);
            for (var e = 0; e < events.Count; e++)
            {
                writer.WriteField(id);
                writer.WriteTimestamp(events.Timestamps[e]);
                writer.WriteField(names[(int)events.Kinds[e]]);
                writer.WriteField(events.Values[e]);
                writer.EndRecord();
            }

            if (l % step == 0)
            {
                progress?.Report((double)l / learners.Count);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        progress?.Report(1);
        CoreTelemetry.RowsWritten.Add(log.EventCount);
    }
}

/// <summary>A minimal growable buffer for loaders (amortised doubling, span access).</summary>
internal struct GrowableArray<T>
{
    private T[] _items;

    public GrowableArray() => _items = new T[1024];

    public int Count { get; private set; }

    public void Add(T item)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count++] = item;
    }

    public readonly ReadOnlySpan<T> AsSpan() => _items.AsSpan(0, Count);
}
