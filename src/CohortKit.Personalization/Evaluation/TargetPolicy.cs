using System.Globalization;
using CohortKit.Tables;

namespace CohortKit.Personalization.Evaluation;

/// <summary>The probabilities π(a | event) of a candidate policy for every event of a log and every action of the log,
/// aligned with <see cref="InteractionLog.Actions"/>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class TargetPolicy
{
    /// <summary>The largest allowed distance of an event's probability sum from 1.</summary>
    public const double SumTolerance = 1e-6;

    private readonly double[] _probabilities;

    /// <summary>Creates a target policy.</summary>
    /// <param name="log">The log it is evaluated on.</param>
    /// <param name="probabilities">Rows × actions, row-major: π(a | event) for each log row and each action of
    /// <see cref="InteractionLog.Actions"/>; each row in [0, 1] and summing to 1 within <see cref="SumTolerance"/>.</param>
    /// <exception cref="ArgumentException">The length is not rows × actions, or an event's probabilities do not sum to 1
    /// (the message names the event and the sum).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A probability is outside [0, 1] or not finite.</exception>
    public TargetPolicy(InteractionLog log, ReadOnlySpan<double> probabilities)
    {
        ArgumentNullException.ThrowIfNull(log);
        var k = log.Actions.Count;
        if (probabilities.Length != log.Count * k)
        {
            throw new ArgumentException($"probabilities has {probabilities.Length} values; {log.Count} events × {k} actions were expected.", nameof(probabilities));
        }

        for (var i = 0; i < log.Count; i++)
        {
            var sum = 0.0;
            for (var a = 0; a < k; a++)
            {
                var p = probabilities[(i * k) + a];
                if (!(p is >= 0 and <= 1))
                {
                    throw new ArgumentOutOfRangeException(nameof(probabilities), p, $"probability of action '{log.Actions[a]}' for event '{log.EventIds[i]}' is {p}; it must be in [0, 1].");
                }

                sum += p;
            }

            if (Math.Abs(sum - 1) > SumTolerance)
            {
                throw new ArgumentException($"probability of event '{log.EventIds[i]}' sums to {sum.ToString("G10", CultureInfo.InvariantCulture)} over its actions; it must sum to 1.", nameof(probabilities));
            }
        }

        _probabilities = probabilities.ToArray();
        ActionCount = k;
    }

    /// <summary>Gets the number of actions per event.</summary>
    public int ActionCount { get; }

    /// <summary>π(· | event) of one row.</summary>
    /// <param name="row">The log row.</param>
    /// <returns>One probability per action.</returns>
    public ReadOnlySpan<double> Of(int row) => _probabilities.AsSpan(row * ActionCount, ActionCount);

    /// <summary>Reads a target file: a CSV with <c>event_id,action,probability</c>; actions missing for an event have
    /// probability 0.</summary>
    /// <param name="path">The file.</param>
    /// <param name="log">The log whose events and actions it must cover.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="Errors.CsvFormatException">A column is missing or a probability is not a finite number.</exception>
    /// <exception cref="ArgumentException">An event or action is not in the log, a pair repeats, an event of the log has no
    /// row, or an event's probabilities do not sum to 1.</exception>
    public static TargetPolicy ReadCsv(string path, InteractionLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (log.Count == 0) { throw new ArgumentException("The log has no rows; there is nothing to evaluate.", nameof(log)); }
        var table = CsvTable.Load(path);
        var events = table.Categorical("event_id");
        var actions = table.Categorical("action");
        var probability = table.Numeric("probability");
        var rowOf = new Dictionary<string, int>(log.Count, StringComparer.Ordinal);
        for (var i = 0; i < log.Count; i++) { rowOf[log.EventIds[i]] = i; }
        var k = log.Actions.Count;
        var values = new double[log.Count * k];
        var given = new bool[log.Count * k];
        for (var r = 0; r < table.RowCount; r++)
        {
            if (!rowOf.TryGetValue(events[r], out var row)) { throw new ArgumentException($"event_id '{events[r]}' of the target file is not in the log.", nameof(path)); }
            if (!log.ActionIndex.TryGetValue(actions[r], out var a)) { throw new ArgumentException($"action '{actions[r]}' of the target file never appears in the log; it cannot be evaluated.", nameof(path)); }
            if (given[(row * k) + a]) { throw new ArgumentException($"event_id '{events[r]}' with action '{actions[r]}' appears twice in the target file.", nameof(path)); }
            given[(row * k) + a] = true;
            values[(row * k) + a] = probability[r];
        }

        for (var i = 0; i < log.Count; i++)
        {
            if (!given.AsSpan(i * k, k).Contains(true)) { throw new ArgumentException($"event_id '{log.EventIds[i]}' of the log has no row in the target file.", nameof(path)); }
        }

        return new TargetPolicy(log, values);
    }
}
