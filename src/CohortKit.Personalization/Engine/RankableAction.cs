namespace CohortKit.Personalization.Engine;

/// <summary>An action that <see cref="Personalizer.Rank"/> may choose: an id and its own features (e.g. a content item's
/// length and difficulty). Build the list of actions once and reuse it across calls.</summary>
/// <remarks>Immutable and thread-safe: the features are copied and checked on construction.</remarks>
public sealed class RankableAction
{
    private readonly double[] _features;

    /// <summary>Creates an action.</summary>
    /// <param name="id">The action's id (non-empty; unique within one call).</param>
    /// <param name="features">Its features, as many as <see cref="PersonalizerOptions.ActionFeatures"/>; finite.</param>
    /// <exception cref="ArgumentException">The id is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A feature is not finite.</exception>
    public RankableAction(string id, params double[] features)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(features);
        foreach (var x in features)
        {
            if (!double.IsFinite(x)) { throw new ArgumentOutOfRangeException(nameof(features), x, $"A feature of action '{id}' is {x}; features must be finite."); }
        }

        Id = id;
        _features = [.. features];
    }

    /// <summary>Gets the id.</summary>
    public string Id { get; }

    /// <summary>Gets the features.</summary>
    public ReadOnlySpan<double> Features => _features;
}
