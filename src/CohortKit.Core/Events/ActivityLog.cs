namespace CohortKit.Events;

/// <summary>
/// Learner activity as a struct of arrays, sorted by learner row and then by time, with the span of each learner's
/// events found through <see cref="Offsets"/>. Learner rows are those of the <see cref="Learners.LearnerAttributes"/>
/// the log was built or loaded with.
/// </summary>
/// <remarks>Immutable after construction and safe to read from many threads. Timestamps are UTC <see cref="DateTime.Ticks"/>.</remarks>
public sealed class ActivityLog
{
    private readonly int[] _offsets;
    private readonly long[] _timestamps;
    private readonly LearnerEventKind[] _kinds;
    private readonly float[] _values;

    /// <summary>Creates a log from columns that are already grouped by learner and sorted by time within each learner.</summary>
    /// <param name="offsets">Length learners + 1; learner <c>i</c>'s events are <c>[offsets[i], offsets[i+1])</c>.</param>
    /// <param name="timestamps">UTC ticks, non-decreasing within each learner.</param>
    /// <param name="kinds">The kind of each event.</param>
    /// <param name="values">The value of each event, finite and non-negative.</param>
    /// <exception cref="ArgumentException">Lengths differ, offsets are not a partition, times go backwards or a value is invalid.</exception>
    public ActivityLog(int[] offsets, long[] timestamps, LearnerEventKind[] kinds, float[] values)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        ArgumentNullException.ThrowIfNull(timestamps);
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(values);
        if (offsets.Length == 0 || offsets[0] != 0 || offsets[^1] != timestamps.Length)
        {
            throw new ArgumentException($"offsets must start at 0 and end at the event count ({timestamps.Length}).", nameof(offsets));
        }

        if (kinds.Length != timestamps.Length || values.Length != timestamps.Length)
        {
            throw new ArgumentException($"timestamps ({timestamps.Length}), kinds ({kinds.Length}) and values ({values.Length}) must have equal lengths.", nameof(values));
        }

        for (var l = 0; l < offsets.Length - 1; l++)
        {
            int start = offsets[l], end = offsets[l + 1];
            if (end < start)
            {
                throw new ArgumentException($"offsets decrease at learner row {l}.", nameof(offsets));
            }

            for (var e = start + 1; e < end; e++)
            {
                if (timestamps[e] < timestamps[e - 1])
                {
                    throw new ArgumentException($"Event {e} of learner row {l} is earlier than the event before it.", nameof(timestamps));
                }
            }
        }

        for (var e = 0; e < values.Length; e++)
        {
            if (!float.IsFinite(values[e]) || values[e] < 0)
            {
                throw new ArgumentException($"Event {e} has value {values[e]}; values must be finite and non-negative.", nameof(values));
            }

            if ((byte)kinds[e] > (byte)LearnerEventKind.Assessment)
            {
                throw new ArgumentException($"Event {e} has an undefined kind {(byte)kinds[e]}.", nameof(kinds));
            }
        }

        _offsets = offsets;
        _timestamps = timestamps;
        _kinds = kinds;
        _values = values;
    }

    /// <summary>Gets the number of learners (rows) the log covers, including those with no events.</summary>
    public int LearnerCount => _offsets.Length - 1;

    /// <summary>Gets the total number of events.</summary>
    public int EventCount => _timestamps.Length;

    /// <summary>Gets the learner offsets (length <see cref="LearnerCount"/> + 1).</summary>
    public ReadOnlySpan<int> Offsets => _offsets;

    /// <summary>Gets every event's UTC ticks.</summary>
    public ReadOnlySpan<long> Timestamps => _timestamps;

    /// <summary>Gets every event's kind.</summary>
    public ReadOnlySpan<LearnerEventKind> Kinds => _kinds;

    /// <summary>Gets every event's value.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>Gets the events of one learner.</summary>
    /// <param name="learnerRow">The learner's row.</param>
    /// <returns>Spans over that learner's events, in time order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The row is outside <c>[0, LearnerCount)</c>.</exception>
    public LearnerActivity ForLearner(int learnerRow)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(learnerRow);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(learnerRow, LearnerCount);
        int start = _offsets[learnerRow], length = _offsets[learnerRow + 1] - start;
        return new LearnerActivity(
            _timestamps.AsSpan(start, length), _kinds.AsSpan(start, length), _values.AsSpan(start, length));
    }

    /// <summary>Builds a log from events in any order: groups them by learner (counting sort) and sorts each learner's events by time (stable).</summary>
    /// <param name="learnerCount">The number of learner rows.</param>
    /// <param name="learnerRows">The learner row of each event.</param>
    /// <param name="timestamps">UTC ticks of each event.</param>
    /// <param name="kinds">Kind of each event.</param>
    /// <param name="values">Value of each event.</param>
    /// <returns>The sorted log; the inputs are copied, not modified.</returns>
    /// <exception cref="ArgumentException">Lengths differ or a learner row is out of range.</exception>
    public static ActivityLog FromUnsorted(int learnerCount, ReadOnlySpan<int> learnerRows, ReadOnlySpan<long> timestamps, ReadOnlySpan<LearnerEventKind> kinds, ReadOnlySpan<float> values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(learnerCount);
        var n = learnerRows.Length;
        if (timestamps.Length != n || kinds.Length != n || values.Length != n)
        {
            throw new ArgumentException("learnerRows, timestamps, kinds and values must have equal lengths.", nameof(values));
        }

        var offsets = new int[learnerCount + 1];
        foreach (var r in learnerRows)
        {
            if ((uint)r >= (uint)learnerCount)
            {
                throw new ArgumentException($"Learner row {r} is outside [0, {learnerCount}).", nameof(learnerRows));
            }

            offsets[r + 1]++;
        }

        for (var i = 0; i < learnerCount; i++)
        {
            offsets[i + 1] += offsets[i];
        }

        var cursor = offsets.AsSpan(0, learnerCount).ToArray();
        var ts = new long[n];
        var ks = new LearnerEventKind[n];
        var vs = new float[n];
        for (var e = 0; e < n; e++)
        {
            var at = cursor[learnerRows[e]]++;
            ts[at] = timestamps[e];
            ks[at] = kinds[e];
            vs[at] = values[e];
        }

        SortWithinLearners(offsets, ts, ks, vs);
        return new ActivityLog(offsets, ts, ks, vs);
    }

    private static void SortWithinLearners(int[] offsets, long[] ts, LearnerEventKind[] ks, float[] vs)
    {
        int[]? order = null;
        for (var l = 0; l < offsets.Length - 1; l++)
        {
            int start = offsets[l], length = offsets[l + 1] - start;
            var span = ts.AsSpan(start, length);
            var sorted = true;
            for (var i = 1; i < span.Length && sorted; i++)
            {
                sorted = span[i] >= span[i - 1];
            }

            if (sorted)
            {
                continue;
            }

            // Stable: sort an index permutation by (time, original position).
            if (order is null || order.Length < length)
            {
                order = new int[Math.Max(length, 16)];
            }

            var idx = order.AsSpan(0, length);
            for (var i = 0; i < length; i++)
            {
                idx[i] = i;
            }

            var keys = span.ToArray();
            idx.Sort((a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
            var k2 = ks.AsSpan(start, length).ToArray();
            var v2 = vs.AsSpan(start, length).ToArray();
            for (var i = 0; i < length; i++)
            {
                ts[start + i] = keys[idx[i]];
                ks[start + i] = k2[idx[i]];
                vs[start + i] = v2[idx[i]];
            }
        }
    }
}

/// <summary>The events of one learner, in time order.</summary>
/// <param name="timestamps">UTC ticks.</param>
/// <param name="kinds">Kinds.</param>
/// <param name="values">Values.</param>
public readonly ref struct LearnerActivity(ReadOnlySpan<long> timestamps, ReadOnlySpan<LearnerEventKind> kinds, ReadOnlySpan<float> values)
{
    /// <summary>Gets the number of events.</summary>
    public int Count => Timestamps.Length;

    /// <summary>Gets the UTC ticks of each event.</summary>
    public ReadOnlySpan<long> Timestamps { get; } = timestamps;

    /// <summary>Gets the kind of each event.</summary>
    public ReadOnlySpan<LearnerEventKind> Kinds { get; } = kinds;

    /// <summary>Gets the value of each event.</summary>
    public ReadOnlySpan<float> Values { get; } = values;
}
