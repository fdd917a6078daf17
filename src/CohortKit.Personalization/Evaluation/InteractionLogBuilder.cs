using CohortKit.Personalization.Engine;

namespace CohortKit.Personalization.Evaluation;

/// <summary>Collects interactions one at a time (e.g. every <see cref="Personalizer.Rank"/> decision with its reward) and builds
/// an <see cref="InteractionLog"/>.</summary>
/// <param name="featureNames">The context features' names, e.g. <c>x_age</c>, <c>x_experience</c>.</param>
/// <remarks>Not thread-safe: one builder per writer.</remarks>
public sealed class InteractionLogBuilder(IReadOnlyList<string> featureNames)
{
    private readonly List<string> _ids = [];
    private readonly List<string> _actions = [];
    private readonly List<double> _propensities = [];
    private readonly List<double> _rewards = [];
    private readonly List<double> _features = [];
    private readonly List<DateTimeOffset> _timestamps = [];

    /// <summary>Gets the number of rows added.</summary>
    public int Count => _ids.Count;

    /// <summary>Adds one interaction.</summary>
    /// <param name="eventId">The event id.</param>
    /// <param name="timestamp">The decision time.</param>
    /// <param name="context">The context features (as many as the names).</param>
    /// <param name="action">The action taken.</param>
    /// <param name="propensity">The probability with which it was taken.</param>
    /// <param name="reward">The reward.</param>
    /// <exception cref="ArgumentException">The context has the wrong length.</exception>
    public void Add(string eventId, DateTimeOffset timestamp, ReadOnlySpan<double> context, string action, double propensity, double reward)
    {
        if (context.Length != featureNames.Count) { throw new ArgumentException($"The context has {context.Length} features; the log has {featureNames.Count}.", nameof(context)); }
        _ids.Add(eventId);
        _timestamps.Add(timestamp);
        foreach (var x in context) { _features.Add(x); }
        _actions.Add(action);
        _propensities.Add(propensity);
        _rewards.Add(reward);
    }

    /// <summary>Adds a <see cref="Personalizer.Rank"/> decision and the reward it received.</summary>
    /// <param name="decision">The decision.</param>
    /// <param name="timestamp">When it was made.</param>
    /// <param name="context">Its context features.</param>
    /// <param name="reward">Its reward.</param>
    public void Add(RankResult decision, DateTimeOffset timestamp, ReadOnlySpan<double> context, double reward)
    {
        ArgumentNullException.ThrowIfNull(decision);
        Add(decision.EventId.ToString(System.Globalization.CultureInfo.InvariantCulture), timestamp, context, decision.ActionId, decision.Propensity, reward);
    }

    /// <summary>Builds the log (validated: see <see cref="InteractionLog"/>).</summary>
    /// <returns>The log.</returns>
    public InteractionLog Build() => new(_ids, _actions, [.. _propensities], [.. _rewards], featureNames, [.. _features], _timestamps);
}
