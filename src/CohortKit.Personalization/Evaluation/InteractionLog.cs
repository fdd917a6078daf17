namespace CohortKit.Personalization.Evaluation;

/// <summary>A log of contextual-bandit interactions, one row per decision: event id, optional timestamp, context features,
/// the action taken, the probability with which the logging policy took it, and the reward. Columnar and validated on
/// construction; the file schema is in docs/personalization.md and <see cref="InteractionLogFile"/>.</summary>
/// <remarks>Immutable and thread-safe. Actions are labels (any string), coded in order of first appearance.</remarks>
public sealed class InteractionLog
{
    private readonly string[] _eventIds;
    private readonly int[] _actionCodes;
    private readonly double[] _propensities;
    private readonly double[] _rewards;
    private readonly double[] _features;
    private readonly DateTimeOffset[]? _timestamps;

    /// <summary>Creates a log.</summary>
    /// <param name="eventIds">One unique, non-empty id per row.</param>
    /// <param name="actions">The action taken in each row (a label).</param>
    /// <param name="propensities">The logging policy's probability of the action taken, in (0, 1].</param>
    /// <param name="rewards">The reward of each row, finite.</param>
    /// <param name="featureNames">The context features' names (may be empty).</param>
    /// <param name="features">Context features, rows × names, row-major, finite.</param>
    /// <param name="timestamps">Optional decision times, one per row.</param>
    /// <exception cref="ArgumentException">The lengths differ, an event id is empty or repeats, an action label is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A propensity is outside (0, 1] or a reward or feature is not finite; the
    /// message names the field, the event and the value.</exception>
    public InteractionLog(IReadOnlyList<string> eventIds, IReadOnlyList<string> actions, ReadOnlySpan<double> propensities, ReadOnlySpan<double> rewards,
        IReadOnlyList<string> featureNames, ReadOnlySpan<double> features, IReadOnlyList<DateTimeOffset>? timestamps = null)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(featureNames);
        var n = eventIds.Count;
        RequireLength(actions.Count, n, nameof(actions));
        RequireLength(propensities.Length, n, nameof(propensities));
        RequireLength(rewards.Length, n, nameof(rewards));
        RequireLength(features.Length, n * featureNames.Count, nameof(features));
        if (timestamps is not null) { RequireLength(timestamps.Count, n, nameof(timestamps)); }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var codes = new Dictionary<string, int>(StringComparer.Ordinal);
        var labels = new List<string>();
        _actionCodes = new int[n];
        for (var i = 0; i < n; i++)
        {
            var id = eventIds[i];
            if (string.IsNullOrWhiteSpace(id)) { throw new ArgumentException($"event_id of row {i + 1} is empty; every event needs an id.", nameof(eventIds)); }
            if (!seen.Add(id)) { throw new ArgumentException($"event_id '{id}' repeats; event ids must be unique.", nameof(eventIds)); }
            var label = actions[i];
            if (string.IsNullOrWhiteSpace(label)) { throw new ArgumentException($"action of event '{id}' is empty.", nameof(actions)); }
            if (!codes.TryGetValue(label, out var code)) { codes[label] = code = labels.Count; labels.Add(label); }
            _actionCodes[i] = code;
            if (!(propensities[i] > 0 && propensities[i] <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(propensities), propensities[i], $"propensity of event '{id}' is {propensities[i]}; a logged propensity must be in (0, 1].");
            }

            if (!double.IsFinite(rewards[i])) { throw new ArgumentOutOfRangeException(nameof(rewards), rewards[i], $"reward of event '{id}' is {rewards[i]}; rewards must be finite."); }
            for (var f = 0; f < featureNames.Count; f++)
            {
                var x = features[(i * featureNames.Count) + f];
                if (!double.IsFinite(x)) { throw new ArgumentOutOfRangeException(nameof(features), x, $"{featureNames[f]} of event '{id}' is {x}; features must be finite."); }
            }
        }

        _eventIds = [.. eventIds];
        _propensities = propensities.ToArray();
        _rewards = rewards.ToArray();
        _features = features.ToArray();
        _timestamps = timestamps?.ToArray();
        FeatureNames = [.. featureNames];
        Actions = labels;
        ActionIndex = codes;
    }

    /// <summary>Gets the number of rows.</summary>
    public int Count => _eventIds.Length;

    /// <summary>Gets the event ids, one per row.</summary>
    public IReadOnlyList<string> EventIds => _eventIds;

    /// <summary>Gets the distinct action labels in order of first appearance (index = action code).</summary>
    public IReadOnlyList<string> Actions { get; }

    /// <summary>Gets the action code of each row (an index into <see cref="Actions"/>).</summary>
    public ReadOnlySpan<int> ActionCodes => _actionCodes;

    /// <summary>Gets the logging propensities, one per row.</summary>
    public ReadOnlySpan<double> Propensities => _propensities;

    /// <summary>Gets the rewards, one per row.</summary>
    public ReadOnlySpan<double> Rewards => _rewards;

    /// <summary>Gets the context features' names.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Gets the decision times, or null when the log has none.</summary>
    public IReadOnlyList<DateTimeOffset>? Timestamps => _timestamps;

    internal IReadOnlyDictionary<string, int> ActionIndex { get; }

    /// <summary>The context features of one row.</summary>
    /// <param name="row">The row.</param>
    /// <returns>The features, in <see cref="FeatureNames"/> order.</returns>
    public ReadOnlySpan<double> Context(int row) => _features.AsSpan(row * FeatureNames.Count, FeatureNames.Count);

    private static void RequireLength(int actual, int expected, string name)
    {
        if (actual != expected) { throw new ArgumentException($"{name} has {actual} values; {expected} were expected (one per event).", name); }
    }
}
